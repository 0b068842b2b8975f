// The console as a hono app: security headers on every answer, and each route behind the check its
// table entry declares — a session of a high enough role, and for a change, this origin and the
// session's CSRF token. A route cannot be registered without saying who may use it.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { ActionSignals } from './actions/run-action.js';
import { csrfMatches, csrfTokenFor, sameOrigin } from './auth/csrf.js';
import { roleAllows } from './auth/roles.js';
import { SessionCache } from './auth/session-cache.js';
import type {
  ConsoleContext,
  ConsoleDeps,
  ConsoleEnv,
  ConsoleRoute,
  ConsoleState,
} from './console-context.js';
import { loadHome } from './routes/home.js';
import { CONSOLE_ROUTES } from './routes/index.js';
import { readSessionCookie } from './session-cookie.js';
import { shortLived } from './short-lived.js';
import { MessageView } from './views/message-view.js';

export function consoleApp(
  deps: ConsoleDeps,
  routes: readonly ConsoleRoute[] = CONSOLE_ROUTES,
): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: 'DENY',
      // Not no-referrer: under it browsers send `Origin: null` on this console's own form posts.
      referrerPolicy: 'same-origin',
      strictTransportSecurity: deps.secure ? 'max-age=31536000' : false,
    }),
  );
  const cacheMs = deps.cacheMs ?? 2000;
  const state: ConsoleState = {
    sessions: new SessionCache(deps.control.db, deps.project.name, cacheMs),
    home: shortLived(cacheMs, () => loadHome(deps)),
    actions: new ActionSignals(),
  };
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('state', state);
    c.set('session', undefined);
    await next();
  });
  for (const route of routes) {
    app.on(route.method, route.path, async (c) => {
      const refused = await guard(c, route);
      return refused ?? route.handle(c);
    });
  }
  app.notFound((c) => message(c, 404, 'Not found', `There is no page at ${c.req.path}.`));
  // Never a stack trace in a page: the error's class is for the console's own log.
  app.onError((error, c) => {
    deps.log(`${c.req.method} ${c.req.path}: ${error instanceof Error ? error.message : String(error)}`);
    return message(
      c,
      500,
      'Something went wrong',
      'The console could not answer this request; its log says why.',
    );
  });
  return app;
}

/** A refusal for a request the route may not serve, or undefined to let it through. */
async function guard(c: ConsoleContext, route: ConsoleRoute): Promise<Response | undefined> {
  const changes = route.method === 'POST';
  if (changes && !sameOrigin(c.req.raw.headers, c.req.url)) {
    return message(c, 403, 'Refused', 'A change must come from a page of this console.');
  }
  if (route.access === 'public') return undefined;
  const token = readSessionCookie(c);
  const session = token ? await c.var.state.sessions.get(token) : undefined;
  if (!token || !session) {
    if (changes) return message(c, 401, 'Signed out', 'Your session ended: sign in again.');
    return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
  }
  const signedIn = { ...session, token, csrf: csrfTokenFor(token) };
  c.set('session', signedIn);
  if (!roleAllows(session.role, route.access)) {
    return message(
      c,
      403,
      'Not allowed',
      `This needs the ${route.access} role; ${session.account} is a ${session.role}.`,
    );
  }
  if (changes) {
    const given = c.req.header('x-csrf-token') ?? (await formField(c, '_csrf'));
    if (!csrfMatches(token, given)) {
      return message(
        c,
        403,
        'Refused',
        'The form is stale or did not come from this console: reload the page.',
      );
    }
  }
  return undefined;
}

async function formField(c: ConsoleContext, name: string): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('form')) return undefined;
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value : undefined;
}

function message(c: ConsoleContext, status: 401 | 403 | 404 | 500, title: string, text: string) {
  return c.html(
    <MessageView project={c.var.deps.project.name} title={title} message={text} session={c.var.session} />,
    status,
  );
}
