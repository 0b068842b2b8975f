// The session cookie: HttpOnly, SameSite=Strict, and with TLS `Secure` under the `__Host-` prefix
// (which also pins it to this host and path /).
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ABSOLUTE_LIMIT_HOURS } from './auth/sessions.js';
import type { ConsoleContext } from './console-context.js';

function cookieName(secure: boolean): string {
  return secure ? '__Host-launchdb_session' : 'launchdb_session';
}

export function readSessionCookie(c: ConsoleContext): string | undefined {
  return getCookie(c, cookieName(c.var.deps.secure));
}

export function setSessionCookie(c: ConsoleContext, token: string): void {
  const secure = c.var.deps.secure;
  setCookie(c, cookieName(secure), token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/',
    maxAge: ABSOLUTE_LIMIT_HOURS * 3600,
  });
}

export function clearSessionCookie(c: ConsoleContext): void {
  const secure = c.var.deps.secure;
  deleteCookie(c, cookieName(secure), { path: '/', secure, ...(secure ? { prefix: 'host' as const } : {}) });
}
