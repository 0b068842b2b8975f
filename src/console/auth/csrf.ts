// CSRF: every change carries a token derived from the session's secret token (an HMAC), which a
// page of another site can neither read nor compute; and a change must come from this origin.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('launchdb console csrf').digest('base64url');
}

export function csrfMatches(sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * True when a change request comes from a page of this console: the browser's Origin (or
 * Sec-Fetch-Site) says so. A request that carries neither is refused.
 */
export function sameOrigin(headers: Headers, requestUrl: string): boolean {
  const origin = headers.get('origin');
  if (origin) return origin === new URL(requestUrl).origin;
  return headers.get('sec-fetch-site') === 'same-origin';
}
