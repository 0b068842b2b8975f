// The console's Connections tab over HTTP with real sessions: staging provisioned on the shared
// server, where the app role's sessions sit idle in a transaction, block one another and run a long
// query. Read as the read-only role, which first cannot see them (the page says so and how to let
// it), then, granted pg_read_all_stats, lists each with the command that terminates it — which does.
// The gauge, the pool plan, an embedded environment, one not attached and an unknown one; Chromium
// visits it under the CSP.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCli, until } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { screenshot, signInAndGo, watchedPage } from './browser-session.js';
import {
  type ConsoleClient,
  type ServedConsole,
  signedInClient,
  startTestConsole,
} from './console-helpers.js';
import { plain, textOf } from './page-text.js';

describe.runIf(serverAvailable)('the Connections tab', () => {
  let project: TempProject;
  let served: ServedConsole;
  let viewer: ConsoleClient;
  const clients: pg.Client[] = [];
  /** The app's sessions: holding a row lock idle in a transaction, waiting for it, sleeping. */
  const pids = { holder: 0, waiter: 0, sleeper: 0 };
  const database = () => `${project.name}_staging`;
  const role = (kind: string) => `${database()}_${kind}`;
  const cli = (argv: string[]) => runCli(argv, { cwd: project.dir });

  async function session(): Promise<{ client: pg.Client; pid: number }> {
    const url = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL!;
    const client = new pg.Client({ connectionString: url, application_name: 'shop:web' });
    client.on('error', () => {}); // One is terminated on purpose.
    await client.connect();
    clients.push(client);
    // The app role's own timeouts (attach sets them) would end these sessions midway through the file.
    await client.query(
      'set statement_timeout = 0; set lock_timeout = 0; set idle_in_transaction_session_timeout = 0',
    );
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return { client, pid: rows[0]!.pid };
  }

  async function page(path: string, status = 200): Promise<string> {
    const response = await viewer.get(path);
    const html = await response.text();
    expect(response.status, plain(html).slice(0, 600)).toBe(status);
    return html;
  }

  beforeAll(async () => {
    // Thresholds of 1 ms: every session in the state is listed, with no waiting in the test.
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} }, staging: { postgres: {} }, production: { postgres: {} } },
      connections: { longRunning: 1, idleInTransaction: 1, blocked: 1, processes: { web: 2, worker: 1 } },
    }`);
    project.write(
      'db/migrations/20260301000000_items.sql',
      'create table items (id int primary key, n int not null);\ninsert into items values (1, 0);\n',
    );
    for (const argv of [
      ['attach', 'postgres', '--env', 'development'],
      ['attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL],
      ['migrate', 'up', '--env', 'staging'],
    ]) {
      const result = await cli(argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const holder = await session();
    await holder.client.query('begin');
    await holder.client.query('update items set n = n + 1 where id = 1');
    pids.holder = holder.pid;
    const waiter = await session();
    pids.waiter = waiter.pid;
    void waiter.client.query("update items set n = n + 2 where id = 1 and 'secret' <> ''").catch(() => {});
    const sleeper = await session();
    pids.sleeper = sleeper.pid;
    void sleeper.client.query('select pg_sleep(600)').catch(() => {});
    await until(async () => {
      const { rows } = await adminQuery(
        `select count(*)::int as ready from pg_stat_activity
          where (pid = $1 and wait_event_type = 'Lock') or (pid = $2 and wait_event = 'PgSleep')`,
        [pids.waiter, pids.sleeper],
      );
      return rows[0].ready === 2;
    });
    served = await startTestConsole(project.dir);
    viewer = await signedInClient(served.url);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    await served?.close();
    if (project) {
      await adminQuery(`drop database if exists ${database()} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${role(kind)}`).catch(() => {});
      }
      project.remove();
    }
  });

  it('says which sessions the read-only role cannot see, and how to let it, rather than listing none', async () => {
    const html = await page('/env/staging/connections');
    expect(plain(html)).toContain(`Read from 127.0.0.1:5432/${database()} as ${role('readonly')}`);
    expect(textOf(html, 'hidden')).toContain(
      `3 session(s) of ${role('app')} in this database are hidden from ${role('readonly')}: their state, times and query text are not shown to it`,
    );
    // Postgres 15 here: a NOINHERIT role needs INHERIT for a grant to reach it.
    expect(textOf(html, 'hidden')).toContain(`ALTER ROLE "${role('readonly')}" INHERIT`);
    expect(textOf(html, 'long-running')).toContain('None.');
    expect(html).not.toContain(`pid-${pids.holder}`);
  });

  it('shows usage against the ceiling as a gauge, and the pool plan', async () => {
    const html = await page('/env/staging/connections');
    const { rows } = await adminQuery(
      `select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int as available`,
    );
    const usage = textOf(html, 'usage')!;
    expect(usage).toMatch(new RegExp(`\\d+ of ${rows[0].available} connections in use \\(\\d+%\\)`));
    // The app's three, the reading role's own: four in this database.
    expect(usage).toContain('. 4 in this database.');
    expect(usage).toContain(`${database()} 4`);
    expect(html).toMatch(/<svg class="gauge gauge-(ok|warn|fail)"[^>]*role="img"/);
    const plan = textOf(html, 'pool-plan')!;
    expect(plan).toContain(`As launchdb pool plan --env staging plans it: direct connections, no pooler`);
    expect(plan).toMatch(/process instances pool max connections web 2 \d+ \d+ worker 1 \d+ \d+/);
  });

  describe('read by a role that may see every session', () => {
    beforeAll(async () => {
      await adminQuery(
        `grant pg_read_all_stats to ${role('readonly')}; alter role ${role('readonly')} inherit`,
      );
    });

    it('lists the idle-in-transaction, long-running and blocked sessions, each with the command that ends it', async () => {
      const html = await page('/env/staging/connections');
      expect(textOf(html, 'hidden')).toBeUndefined();
      const holder = textOf(html, `pid-${pids.holder}`)!;
      expect(holder).toContain(
        `${pids.holder} ${role('app')} shop:web idle in transaction, transaction open`,
      );
      expect(holder).toContain('update items set n = n + 1 where id = 1');
      expect(holder).toMatch(new RegExp(`launchdb connections terminate ${pids.holder} --env staging$`));
      const longRunning = textOf(html, 'long-running')!;
      expect(longRunning).toContain(`${pids.sleeper} ${role('app')} shop:web active`);
      expect(longRunning).toContain('select pg_sleep(600)');
      expect(longRunning).toContain(`launchdb connections terminate ${pids.sleeper} --env staging`);
      // The waiter runs too, waiting; its literal is masked as the checks mask it.
      expect(longRunning).toContain(`${pids.waiter} ${role('app')} shop:web waiting on a lock`);
      expect(longRunning).toContain("'***'");
      expect(longRunning).not.toContain('secret');
      // The chain: the holder at the head, the waiter under it.
      const chain = textOf(html, 'blocked')!;
      expect(chain).toContain(
        `pid ${pids.holder} (${role('app')}, shop:web) blocks, waiting on nobody: idle in transaction`,
      );
      expect(chain).toContain(`pid ${pids.waiter} (${role('app')}, shop:web) waiting`);
      expect(chain).toContain(`for ${pids.holder}`);
      expect(html).toMatch(new RegExp(`<li id="chain-${pids.holder}">.*<li id="chain-${pids.waiter}">`, 's'));
      // A viewer gets the command, not the button; an operator gets both.
      expect(html).not.toContain('/actions/terminate');
      const operator = await signedInClient(served.url, 'operator');
      const operatorHtml = await (await operator.get('/env/staging/connections')).text();
      expect(operatorHtml).toContain('action="/env/staging/actions/terminate"');
      expect(operatorHtml).toContain(`name="pid" value="${pids.sleeper}"`);
    });

    it('the command it shows ends the session, and the page no longer lists it', async () => {
      const html = await page('/env/staging/connections');
      const command = textOf(html, `pid-${pids.sleeper}`)!.match(
        /launchdb (connections terminate \d+ --env staging)/,
      )![1]!;
      // Staging has no admin URL after attach: its owner may end only its own role's sessions.
      const refused = await cli(command.split(' '));
      expect(refused.code).toBe(3);
      await adminQuery(`grant pg_signal_backend to ${role('owner')}`);
      const ended = await cli(command.split(' '));
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.stdout).toContain(`terminated pid ${pids.sleeper}`);
      expect(await page('/env/staging/connections')).not.toContain(`pid-${pids.sleeper}`);
    });
  });

  it('says an embedded environment has one session, and one not attached says how to attach it', async () => {
    const embedded = await page('/env/development/connections');
    expect(textOf(embedded, 'embedded')).toContain(
      'development is embedded (PGlite, at .launchdb/development/postgres): it has one session, inside the process that opened it',
    );
    const notAttached = await page('/env/production/connections');
    expect(plain(notAttached)).toContain(
      'production is not attached yet: launchdb attach postgres --env production',
    );
    const unknown = await page('/env/nowhere/connections', 404);
    expect(plain(unknown)).toContain('This project has no environment "nowhere"');
  });

  describe.skipIf(!CHROMIUM && !process.env.CI)('in Chromium', () => {
    it('shows the gauge, the sessions and the plan under the CSP', async () => {
      const browser = await launchChromium();
      try {
        const { page: tab, problems } = await watchedPage(browser);
        await signInAndGo(tab, served.url, '/env/staging/connections');
        expect(await tab.locator('nav.tabs a.current').textContent()).toBe('Connections');
        // The gauge is drawn: its bar has a width, filled by the stylesheet.
        const box = await tab.locator('svg.gauge').boundingBox();
        expect(box!.width).toBeGreaterThan(100);
        expect(await tab.locator('#pool-plan table tbody tr').count()).toBe(2);
        await screenshot(tab, 'console-connections.png');
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });
});
