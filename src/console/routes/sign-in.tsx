// Signing in and out. Sign-in rotates the session (a fresh token, never one from before), and a
// wrong name or password gets one generic answer.

import { endSession } from '../auth/sessions.js';
import { signIn } from '../auth/sign-in.js';
import { clientAddress } from '../client-address.js';
import type { ConsoleContext, ConsoleRoute } from '../console-context.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../session-cookie.js';
import { SignInView } from '../views/sign-in-view.js';

const WRONG = 'Wrong account or password.';

export const signInPage: ConsoleRoute = {
  method: 'GET',
  path: '/sign-in',
  access: 'public',
  handle(c) {
    return c.html(<SignInView project={c.var.deps.project.name} next={safeNext(c.req.query('next'))} />);
  },
};

export const signInSubmit: ConsoleRoute = {
  method: 'POST',
  path: '/sign-in',
  access: 'public',
  async handle(c) {
    const form = await c.req.parseBody();
    const account = typeof form.account === 'string' ? form.account.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const { project, control } = c.var.deps;
    const page = (status: 400 | 401 | 429, error: string) =>
      c.html(<SignInView project={project.name} error={error} account={account} next={next} />, status);
    if (!account || !password) return page(400, 'Enter the account and the password.');
    const outcome = await signIn(control.db, project.name, { account, password, address: clientAddress(c) });
    if (!outcome.ok) {
      if (outcome.reason === 'throttled') {
        c.header('Retry-After', String(outcome.retryAfterS));
        return page(
          429,
          `Too many failed sign-ins: try again in ${Math.ceil(outcome.retryAfterS / 60)} min.`,
        );
      }
      return page(401, WRONG);
    }
    const previous = readSessionCookie(c);
    if (previous) {
      await endSession(control.db, project.name, previous);
      c.var.state.sessions.forget(previous);
    }
    setSessionCookie(c, outcome.token);
    return c.redirect(next, 303);
  },
};

export const signOut: ConsoleRoute = {
  method: 'POST',
  path: '/sign-out',
  access: 'viewer',
  async handle(c: ConsoleContext) {
    const { project, control } = c.var.deps;
    await endSession(control.db, project.name, c.var.session!.token);
    c.var.state.sessions.forget(c.var.session!.token);
    clearSessionCookie(c);
    return c.redirect('/sign-in', 303);
  },
};

/** Only a path of this console: `next=https://evil.example` must not send a signed-in user away. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}
