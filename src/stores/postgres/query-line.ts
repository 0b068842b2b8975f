// A query as launchdb shows it (the connection checks, the pool's errors): its first line, with
// every string literal masked.

import { redactText } from '../../core/redact.js';

const MASK = '***';
/** Longer first lines are cut: the point is to recognise the query, not to read it. */
const MAX_LENGTH = 160;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;
const DOLLAR_TAG = /^\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/u;

/**
 * The first non-blank line of `query`, string literals replaced by `'***'`. Literals are where
 * secrets sit in SQL (`ALTER ROLE … PASSWORD '…'`, `CREATE USER MAPPING … OPTIONS (password '…')`,
 * an API token in an INSERT) and where personal data does (`where email = '…'`), and
 * pg_stat_activity keeps them verbatim. All of them are masked rather than only those after
 * PASSWORD: the query text is cut at `track_activity_query_size`, so the keyword may be gone, and
 * the shape of a query is what identifies it. URL passwords elsewhere (a comment) are masked too.
 */
export function queryLine(query: string): string {
  const lines = maskLiterals(query).split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first === -1) return '';
  let line = lines[first]!.trim();
  const more = lines.slice(first + 1).some((rest) => rest.trim() !== '');
  if (line.length > MAX_LENGTH) line = `${line.slice(0, MAX_LENGTH)}…`;
  else if (more) line = `${line} …`;
  return redactText(line);
}

/**
 * `query` with the body of each string literal (`'…'`, `E'…'`, `$tag$…$tag$`) masked; comments and
 * quoted identifiers are stepped over so a quote inside them starts nothing. A literal left open
 * (the text was truncated) is masked to the end.
 */
export function maskLiterals(query: string): string {
  let out = '';
  let at = 0;
  while (at < query.length) {
    const char = query[at]!;
    const next = query[at + 1];
    if (char === '-' && next === '-') {
      const end = query.indexOf('\n', at);
      const stop = end === -1 ? query.length : end;
      out += query.slice(at, stop);
      at = stop;
    } else if (char === '/' && next === '*') {
      const stop = blockCommentEnd(query, at);
      out += query.slice(at, stop);
      at = stop;
    } else if (char === '"') {
      const stop = quotedEnd(query, at, '"', false);
      out += query.slice(at, stop);
      at = stop;
    } else if (char === "'") {
      const escapes = /[eE]/.test(query[at - 1] ?? '') && !IDENTIFIER_CHAR.test(query[at - 2] ?? '');
      at = quotedEnd(query, at, "'", escapes);
      out += `'${MASK}'`;
    } else if (char === '$' && !IDENTIFIER_CHAR.test(query[at - 1] ?? '')) {
      const tag = DOLLAR_TAG.exec(query.slice(at))?.[0];
      if (!tag) {
        out += char;
        at++;
        continue;
      }
      const close = query.indexOf(tag, at + tag.length);
      at = close === -1 ? query.length : close + tag.length;
      out += `${tag}${MASK}${tag}`;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}

/** The index after the quoted text starting at `start`; a doubled quote (and `\x` in E'…') stays inside. */
function quotedEnd(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  let at = start + 1;
  while (at < text.length) {
    const char = text[at]!;
    if (backslashEscapes && char === '\\') at += 2;
    else if (char === quote && text[at + 1] === quote) at += 2;
    else if (char === quote) return at + 1;
    else at++;
  }
  return text.length;
}

/** The index after the block comment starting at `start`; Postgres nests them. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < text.length) {
    if (text.startsWith('/*', at)) {
      depth++;
      at += 2;
    } else if (text.startsWith('*/', at)) {
      depth--;
      at += 2;
      if (depth === 0) return at;
    } else at++;
  }
  return text.length;
}
