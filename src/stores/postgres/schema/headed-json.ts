// The form drift's caches keep a snapshot in: a line of JSON naming the entry's key and the body's
// SHA-256, then the body. Checking it costs one hash of the text as read, not a re-serialisation.
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The value `text` holds, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `header` as a line, then `body`. */
export function joinHeaded(header: { key: string; checksum: string }, body: string): string {
  return `${JSON.stringify(header)}\n${body}`;
}

/**
 * The header and body of `text` when its header is one for `key` with a checksum; undefined for
 * anything else (cut short, not JSON, another key's). The body is not checked here: `sha256(body)`
 * against `header.checksum` is, when the body is needed.
 */
export function splitHeaded<Header extends { key: string; checksum: string }>(
  text: string,
  key: string,
): { header: Partial<Header> & { key: string; checksum: string }; body: string } | undefined {
  const cut = text.indexOf('\n');
  if (cut < 0) return undefined;
  const header = parseJson(text.slice(0, cut)) as (Partial<Header> & Record<string, unknown>) | undefined;
  if (!header || typeof header !== 'object' || header.key !== key || typeof header.checksum !== 'string') {
    return undefined;
  }
  return { header: header as Partial<Header> & { key: string; checksum: string }, body: text.slice(cut + 1) };
}
