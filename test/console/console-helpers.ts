// A console served for real on a free loopback port over a project's control database, with one
// account per role, and a client that signs in and keeps its cookie as a browser would.

import { expect } from 'vitest';
import { addAccount } from '../../src/console/auth/accounts.js';
import { ROLES, type Role } from '../../src/console/auth/roles.js';
import { type RunningConsole, serveConsole } from '../../src/console/serve-console.js';
import { type ControlDatabase, openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';

export const PASSWORD = 'correct horse battery staple';

export interface ServedConsole {
  url: string;
  project: Project;
  control: ControlDatabase;
  log: string[];
  close(): Promise<void>;
}

export async function startTestConsole(
  root: string,
  options: { controlUrl?: string; accounts?: boolean; cacheMs?: number; control?: ControlDatabase } = {},
): Promise<ServedConsole> {
  const project = await Project.load(root);
  // An embedded control database is one per process: a second instance in this process shares it.
  const shared = options.control;
  const control =
    shared ?? (await openControlDatabase(project, options.controlUrl ? { url: options.controlUrl } : {}));
  if (options.accounts !== false) {
    for (const role of ROLES) {
      await addAccount(control.db, project.name, { name: accountOf(role), role, password: PASSWORD });
    }
  }
  const log: string[] = [];
  let running: RunningConsole;
  try {
    running = await serveConsole({
      project,
      control,
      host: '127.0.0.1',
      port: 0,
      behindProxy: false,
      log: (line) => log.push(line),
      // Tests change sessions in the database and look at once: nothing kept unless a test asks.
      cacheMs: options.cacheMs ?? 0,
    });
  } catch (error) {
    if (!shared) await control.close();
    throw error;
  }
  return {
    url: running.url,
    project,
    control,
    log,
    close: async () => {
      await running.stop();
      if (!shared) await control.close();
    },
  };
}

export function accountOf(role: Role): string {
  return `${role}@example.com`;
}

/** A client of the console at `url`, signed in as `role`'s account. */
export async function signedInClient(url: string, role: Role = 'viewer'): Promise<ConsoleClient> {
  const client = new ConsoleClient(url);
  expect((await client.signIn(accountOf(role))).status).toBe(303);
  return client;
}

/** A browser-like client of one console: follows nothing by itself, keeps the session cookie. */
export class ConsoleClient {
  cookie: string | undefined;
  constructor(readonly url: string) {}

  async get(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`, { redirect: 'manual', headers: this.headers() });
  }

  /** A form post from a page of this console (Origin set, as browsers do). */
  async post(
    path: string,
    fields: Record<string, string>,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...this.headers(),
        origin: this.url,
        'content-type': 'application/x-www-form-urlencoded',
        ...extra,
      },
      body: new URLSearchParams(fields).toString(),
    });
    const set = response.headers.get('set-cookie');
    const token = set?.match(/launchdb_session=([^;]*)/)?.[1];
    if (token !== undefined) this.cookie = token || undefined;
    return response;
  }

  async signIn(account: string, password = PASSWORD): Promise<Response> {
    return this.post('/sign-in', { account, password });
  }

  /** The CSRF token the signed-in pages carry in their forms. */
  async csrf(): Promise<string> {
    const page = await (await this.get('/')).text();
    const token = page.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error('no CSRF token on the home page');
    return token;
  }

  private headers(): Record<string, string> {
    return this.cookie ? { cookie: `launchdb_session=${this.cookie}` } : {};
  }
}
