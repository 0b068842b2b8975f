// What every console route is given: the project, its control database, and the signed-in session.
import type { Context } from 'hono';
import type { ControlDatabase } from '../control/open-control.js';
import type { Project } from '../core/project.js';
import type { ActionSignals } from './actions/run-action.js';
import type { Role } from './auth/roles.js';
import type { SessionCache } from './auth/session-cache.js';
import type { Session } from './auth/sessions.js';
import type { HomeData } from './routes/home.js';

export interface ConsoleDeps {
  project: Project;
  control: ControlDatabase;
  /** Served over TLS: cookies get `Secure` and the `__Host-` prefix. */
  secure: boolean;
  /** Behind a reverse proxy that sets X-Forwarded-For (its last entry is the client). */
  behindProxy: boolean;
  /** The console's log: a line per error a page could not show. */
  log(line: string): void;
  /**
   * How long cheap results (sessions, the home page's verdicts) are kept, in ms; for as long again a
   * kept one is served while it reloads. Default 2000: a session ended on another instance, or from
   * the CLI, stops working within 4 s (at once on the instance that ended it). Tests give 0.
   */
  cacheMs?: number;
  /**
   * What an action's launchdb command is given besides its own words: the flags and variables that
   * name this project's config and control database, as the console itself was given them.
   */
  commands?: { argv: string[]; env: Record<string, string> };
}

/** What one console instance keeps between requests. */
export interface ConsoleState {
  /** The live sessions this instance has seen, re-read together every cacheMs. */
  sessions: SessionCache;
  /** The home page's environments and their newest verdicts, loaded at most once per cacheMs. */
  home: () => Promise<HomeData>;
  /** Wakes the streams of this instance's actions when they have news. */
  actions: ActionSignals;
}

export interface SignedIn extends Session {
  /** The cookie's token: CSRF tokens and rotation derive from it; never rendered. */
  token: string;
  csrf: string;
}

export type ConsoleEnv = {
  Variables: { deps: ConsoleDeps; state: ConsoleState; session: SignedIn | undefined };
};

export type ConsoleContext = Context<ConsoleEnv>;

/** A route of the console. Every route is in the table (routes/index.ts): the inventory test reads it. */
export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** hono's path syntax: `/env/:env`. */
  path: string;
  /** `public`: the sign-in page and assets; else the lowest role allowed. */
  access: 'public' | Role;
  handle(c: ConsoleContext): Response | Promise<Response>;
}
