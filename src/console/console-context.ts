// What every console route is given: the project, its control database, and the signed-in session.
import type { Context } from 'hono';
import type { ControlDatabase } from '../control/open-control.js';
import type { Project } from '../core/project.js';
import type { Role } from './auth/roles.js';
import type { Session } from './auth/sessions.js';

export interface ConsoleDeps {
  project: Project;
  control: ControlDatabase;
  /** Served over TLS: cookies get `Secure` and the `__Host-` prefix. */
  secure: boolean;
  /** Behind a reverse proxy that sets X-Forwarded-For (its last entry is the client). */
  behindProxy: boolean;
  /** The console's log: a line per error a page could not show. */
  log(line: string): void;
}

export interface SignedIn extends Session {
  /** The cookie's token: CSRF tokens and rotation derive from it; never rendered. */
  token: string;
  csrf: string;
}

export type ConsoleEnv = {
  Variables: { deps: ConsoleDeps; session: SignedIn | undefined };
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
