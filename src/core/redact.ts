// Secrets never leave launchdb: URLs are shown without passwords, known secrets are masked.

const MASK = '***';
const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):([^@\s/]*)@/gi;
const PASSWORD_PARAM = /([?&](?:password|sslpassword|secret|token|key)=)[^&\s]*/gi;

/** A connection URL with its password (and password-like query parameters) masked. */
export function redactUrl(url: string): string {
  return url.replace(URL_WITH_PASSWORD, `$1:${MASK}@`).replace(PASSWORD_PARAM, `$1${MASK}`);
}

/** Masks every URL password in free text, and each given secret value wherever it appears. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out;
}

/** The password of a URL (`postgres://`, `redis://`), decoded, to mask wherever it may appear; none when it does not parse. */
export function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
