// Every registered route refuses an unauthenticated request and every role below its own: walked
// from the route table itself, so a route added without protection fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/console/auth/roles.js';
import { CONSOLE_ROUTES } from '../../src/console/routes/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { accountOf, ConsoleClient, type ServedConsole, startTestConsole } from './console-helpers.js';

/** The only routes anyone may use signed out. Adding one here is a decision, made in review. */
const PUBLIC = [
  'GET /assets/console.css',
  'GET /assets/icon.svg',
  'GET /assets/uplot.js',
  'GET /assets/uplot.css',
  'GET /assets/chart.js',
  'GET /assets/action-stream.js',
  'GET /sign-in',
  'POST /sign-in',
];

describe('the console route inventory', () => {
  let temp: TempProject;
  let served: ServedConsole;
  const clients = new Map<Role, ConsoleClient>();

  beforeAll(async () => {
    temp = tempProject();
    served = await startTestConsole(temp.dir);
    for (const role of ROLES) {
      const client = new ConsoleClient(served.url);
      expect((await client.signIn(accountOf(role))).status).toBe(303);
      clients.set(role, client);
    }
  });

  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  const pathOf = (path: string) => path.replace(':env', 'development');

  it('has exactly the public routes it means to have', () => {
    const open = CONSOLE_ROUTES.filter((route) => route.access === 'public').map(
      (route) => `${route.method} ${route.path}`,
    );
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  for (const route of CONSOLE_ROUTES.filter((candidate) => candidate.access !== 'public')) {
    const name = `${route.method} ${route.path} (${route.access})`;
    it(`${name} refuses a signed-out request`, async () => {
      const anonymous = new ConsoleClient(served.url);
      const response =
        route.method === 'GET'
          ? await anonymous.get(pathOf(route.path))
          : await anonymous.post(pathOf(route.path), {});
      if (route.method === 'GET') {
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toMatch(/^\/sign-in\?next=/);
      } else {
        expect(response.status).toBe(401);
      }
    });

    it(`${name} refuses every role below ${route.access}, and lets ${route.access} in`, async () => {
      for (const role of ROLES) {
        const client = clients.get(role)!;
        const response =
          route.method === 'GET'
            ? await client.get(pathOf(route.path))
            : await client.post(pathOf(route.path), { _csrf: await client.csrf() });
        const allowed = ROLES.indexOf(role) >= ROLES.indexOf(route.access as Role);
        if (allowed) expect([401, 403], `${role} on ${name}`).not.toContain(response.status);
        else expect(response.status, `${role} on ${name}`).toBe(403);
        // Signing out ends the session: sign that role in again for the routes after this one.
        if (route.path === '/sign-out' && allowed) {
          expect((await client.signIn(accountOf(role))).status).toBe(303);
        }
      }
    });
  }
});
