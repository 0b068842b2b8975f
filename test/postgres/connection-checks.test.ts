// The live connection checks against real sessions: each made to fire, and to pass on a quiet database.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import type { LaunchdbConfig } from '../../src/core/config/types.js';
import { Project } from '../../src/core/project.js';
import {
  EMBEDDED_SESSIONS_SKIP,
  formatDuration,
} from '../../src/stores/postgres/checks/connection-activity.js';
import { connectionChecks } from '../../src/stores/postgres/checks/connection-checks.js';
import {
  connectionThresholds,
  DEFAULT_CONNECTION_THRESHOLDS,
} from '../../src/stores/postgres/checks/connection-thresholds.js';
import {
  connectionsAppRoleTimeouts,
  EMBEDDED_TIMEOUTS_SKIP,
} from '../../src/stores/postgres/checks/connections-app-role-timeouts.js';
import { connectionsBlocked } from '../../src/stores/postgres/checks/connections-blocked.js';
import { connectionsIdleInTransaction } from '../../src/stores/postgres/checks/connections-idle-in-transaction.js';
import { connectionsLongRunning } from '../../src/stores/postgres/checks/connections-long-running.js';
import { connectionsUsage } from '../../src/stores/postgres/checks/connections-usage.js';
import { connectionsWorkerSeparation } from '../../src/stores/postgres/checks/connections-worker-separation.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { provision } from '../../src/stores/postgres/provision/provision.js';
import { maskLiterals, queryLine } from '../../src/stores/postgres/query-line.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import {
  adminQuery,
  type FreshDatabase,
  freshDatabase,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** Thresholds low enough that a test waits under a second for a session to cross them. */
const FAST = { longRunning: 500, idleInTransaction: 500, blocked: 500 };
/** Longer than FAST's thresholds, with room for a slow machine to start the statement. */
const PAST_THRESHOLD_MS = 800;

interface Opened {
  client: pg.Client;
  pid: number;
  /** Sends a statement without waiting for it: a long query, or one that waits on a lock. */
  start(sql: string): void;
}

let temp: TempProject;
let base: Project;
const sessions: PostgresSession[] = [];
const clients: pg.Client[] = [];
const databases: FreshDatabase[] = [];
const roles: string[] = [];

beforeAll(async () => {
  temp = tempProject();
  base = await Project.load(temp.dir);
});
afterAll(() => temp?.remove());

afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
  // Dropping a database with force ends the sessions in it, a pg_sleep or a lock wait included.
  for (const database of databases.splice(0)) await database.drop();
  for (const client of clients.splice(0)) await client.end().catch(() => {});
  for (const role of roles.splice(0)) await adminQuery(`drop role if exists ${role}`);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The checks' context: the app logs in with `url`; `config` is laid over the project's. */
function contextFor(url: string | undefined, config: Partial<LaunchdbConfig> = {}): PostgresCheckContext {
  const project = new Project({ config: { ...base.config, ...config }, file: base.file, root: base.root });
  const env = project.environment('development');
  const target = resolvePostgresTarget(env, url ? { url } : {})!;
  const session = new PostgresSession(env, target, { connectTimeoutMs: 5_000, command: 'test' });
  sessions.push(session);
  return { project, env, postgres: session, now: new Date() };
}

/** A fresh server database, dropped after the test, and its name. */
async function database(): Promise<{ fresh: FreshDatabase; name: string }> {
  const fresh = await freshDatabase('server');
  databases.push(fresh);
  return { fresh, name: new URL(fresh.url!).pathname.slice(1) };
}

/** A login role that exists until the end of the test. */
async function createRole(options = ''): Promise<string> {
  const role = uniqueName('ldbr');
  await adminQuery(`create role ${role} login ${options}`);
  roles.push(role);
  return role;
}

/** One more session, as another process would open it. */
async function connect(url: string, application = 'ldb-test'): Promise<Opened> {
  const client = new pg.Client({ connectionString: url, application_name: application });
  // A session ended from the server side (the database dropped) must not crash the test process.
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return {
    client,
    pid: rows[0]!.pid,
    start(sql) {
      client.query(sql).catch(() => {});
    },
  };
}

function detailsOf<T>(outcome: CheckOutcome): T {
  return outcome.details as T;
}

interface SessionDetail {
  pid: number;
  role: string | null;
  application: string;
  durationMs: number;
  duration: string;
  query: string | null;
}

describe('the live connection checks', () => {
  it('are listed in report order with stable ids', () => {
    expect(connectionChecks.map((check) => [check.id, check.area, check.severity])).toEqual([
      ['connections.usage', 'connections', 'fail'],
      ['connections.long-running', 'connections', 'warn'],
      ['connections.idle-in-transaction', 'connections', 'warn'],
      ['connections.blocked', 'connections', 'warn'],
      ['connections.app-role-timeouts', 'connections', 'fail'],
      ['connections.worker-separation', 'connections', 'warn'],
    ]);
  });

  it("take their thresholds from the config's connections key, else the anchors' defaults", () => {
    expect(connectionThresholds(base.config)).toEqual(DEFAULT_CONNECTION_THRESHOLDS);
    expect(DEFAULT_CONNECTION_THRESHOLDS).toEqual({
      usageWarn: 0.75,
      usageFail: 0.9,
      longRunningMs: 60_000,
      idleInTransactionMs: 60_000,
      blockedMs: 30_000,
    });
    const config = { ...base.config, connections: { usageWarn: 0.95, usageFail: 0.8, ...FAST } };
    expect(connectionThresholds(config)).toEqual({
      usageWarn: 0.8,
      usageFail: 0.8,
      longRunningMs: 500,
      idleInTransactionMs: 500,
      blockedMs: 500,
    });
  });

  it('show durations the way people read them', () => {
    expect([450, 42_000, 185_000, 3_600_000, 7_800_000].map(formatDuration)).toEqual([
      '450 ms',
      '42 s',
      '3 min 5 s',
      '1 h',
      '2 h 10 min',
    ]);
  });
});

describe('the query line', () => {
  it('masks every string literal, so a password in ALTER ROLE never shows', () => {
    expect(queryLine("ALTER ROLE shop_app PASSWORD 'hunter2'")).toBe("ALTER ROLE shop_app PASSWORD '***'");
    expect(queryLine("create user mapping for app server s options (user 'u', password 'p4ss')")).toBe(
      "create user mapping for app server s options (user '***', password '***')",
    );
    expect(queryLine("select * from users where email = 'ann@example.com' and note = 'it''s'")).toBe(
      "select * from users where email = '***' and note = '***'",
    );
  });

  it('masks escape strings, dollar quotes and a literal cut off by the text limit', () => {
    expect(maskLiterals("select E'a\\'secret', $$body$$, $fn$x$fn$, $1")).toBe(
      "select E'***', $$***$$, $fn$***$fn$, $1",
    );
    expect(maskLiterals("alter role a password 'truncat")).toBe("alter role a password '***'");
  });

  it('steps over identifiers and comments, whose quotes start no literal', () => {
    expect(maskLiterals(`select "it's" from t -- don't\nwhere a = 'x' /* it's /* nested */ */`)).toBe(
      `select "it's" from t -- don't\nwhere a = '***' /* it's /* nested */ */`,
    );
  });

  it('gives the first non-blank line, marks what follows, and cuts long lines', () => {
    expect(queryLine("\n  select 'a\nb' as x\n  from t\n")).toBe("select '***' as x …");
    expect(queryLine(`select ${'x, '.repeat(100)}y`)).toHaveLength(161);
    expect(queryLine('-- postgres://app:s3cret@db/shop\nselect 1')).toBe('-- postgres://app:***@db/shop …');
  });
});

describe('on embedded', () => {
  it('the checks that need other sessions or timeouts skip, saying why', async () => {
    const ctx = contextFor(undefined);
    for (const check of connectionChecks) {
      const outcome = await check.run(ctx);
      expect(outcome, check.id).toEqual({
        status: 'skip',
        summary: check === connectionsAppRoleTimeouts ? EMBEDDED_TIMEOUTS_SKIP : EMBEDDED_SESSIONS_SKIP,
      });
    }
  });
});

describe.skipIf(!serverAvailable)('on the server', () => {
  describe('connections.usage', () => {
    it('passes below the warn share, against max_connections less the superuser reserve, whoever else is connected', async () => {
      const { fresh } = await database();
      const outcome = await connectionsUsage.run(contextFor(fresh.url));
      const { rows } = await adminQuery(
        `select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int as available`,
      );
      const details = detailsOf<{ inUse: number; available: number; thisDatabase: number }>(outcome);
      expect(details.available).toBe(rows[0].available);
      expect(details.thisDatabase).toBeGreaterThanOrEqual(1);
      expect(details.inUse).toBeGreaterThanOrEqual(details.thisDatabase);
      // The count is the whole server's, and other clients share the server: the verdict is judged
      // against the count measured (a pass on a quiet server), not against a count assumed.
      const share = details.inUse / details.available;
      const { usageWarn, usageFail } = DEFAULT_CONNECTION_THRESHOLDS;
      expect(outcome.status, outcome.summary).toBe(
        share < usageWarn ? 'pass' : share < usageFail ? 'warn' : 'fail',
      );
      expect(outcome.summary).toMatch(
        new RegExp(
          `^${details.inUse} of ${details.available} connections in use \\(\\d+%; max_connections \\d+ less \\d+ reserved for superusers\\)${share < usageWarn ? '$' : ', at or over'}`,
        ),
      );
    });

    it('warns at usageWarn and fails at usageFail, naming who holds the connections', async () => {
      const { name } = await database();
      const role = await createRole();
      const url = serverUrlFor(name, role);
      for (let i = 0; i < 3; i++) await connect(url, 'ldb-usage-test');

      const warned = await connectionsUsage.run(
        contextFor(url, { connections: { usageWarn: 0.01, usageFail: 1 } }),
      );
      expect(warned.status, warned.summary).toBe('warn');
      expect(warned.summary).toContain('at or over the warn share 1%');
      const details = detailsOf<{
        byRole: Record<string, number>;
        byApplication: Record<string, number>;
        appRole: { role: string; connections: number; limit: number | null };
      }>(warned);
      expect(details.byRole[role]).toBeGreaterThanOrEqual(3);
      expect(details.byApplication['ldb-usage-test']).toBeGreaterThanOrEqual(3);
      // The three test sessions and at least the check's own.
      expect(details.appRole).toMatchObject({ role, limit: null });
      expect(details.appRole.connections).toBeGreaterThanOrEqual(4);

      const failed = await connectionsUsage.run(
        contextFor(url, { connections: { usageWarn: 0.01, usageFail: 0.02 } }),
      );
      expect(failed.status, failed.summary).toBe('fail');
      expect(failed.summary).toContain('at or over the fail share 2%');
      expect(failed.fix).toContain('launchdb pool plan');
    });
  });

  describe('connections.long-running', () => {
    it('passes on a quiet database', async () => {
      const { fresh } = await database();
      const outcome = await connectionsLongRunning.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome).toMatchObject({
        status: 'pass',
        summary: 'no query has been running longer than 500 ms',
        details: { thresholdMs: 500, queries: [], total: 0 },
      });
    });

    it('warns on a query running past the threshold, with pid, role, application, duration and its masked first line', async () => {
      const { fresh } = await database();
      const slow = await connect(fresh.url!, 'ldb-slow-report');
      slow.start("select pg_sleep(30), 'sk_live_hunter2' as token\nfrom generate_series(1, 1)");
      await sleep(PAST_THRESHOLD_MS);
      const outcome = await connectionsLongRunning.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome.status, outcome.summary).toBe('warn');
      const { queries } = detailsOf<{ queries: SessionDetail[] }>(outcome);
      expect(queries).toEqual([
        {
          pid: slow.pid,
          role: 'postgres',
          application: 'ldb-slow-report',
          durationMs: expect.any(Number),
          duration: expect.any(String),
          query: "select pg_sleep(30), '***' as token …",
        },
      ]);
      expect(queries[0]!.durationMs).toBeGreaterThanOrEqual(500);
      expect(outcome.summary).toMatch(
        new RegExp(
          `^1 query has been running longer than 500 ms; the longest, pid ${slow.pid} \\(postgres, ldb-slow-report\\), for \\d+ ms: select pg_sleep`,
        ),
      );
      expect(JSON.stringify(outcome)).not.toContain('hunter2');
      expect(outcome.fix).toContain('pg_cancel_backend');
    });

    it('does not report a query shorter than the threshold, nor one in another database', async () => {
      const { fresh } = await database();
      const { fresh: other } = await database();
      const elsewhere = await connect(other.url!);
      elsewhere.start('select pg_sleep(30)');
      const here = await connect(fresh.url!);
      here.start('select pg_sleep(30)');
      await sleep(PAST_THRESHOLD_MS);
      // Under the default minute the query here is not long yet; with FAST, the other database's still is not ours.
      expect((await connectionsLongRunning.run(contextFor(fresh.url))).status).toBe('pass');
      const outcome = await connectionsLongRunning.run(contextFor(other.url, { connections: FAST }));
      expect(detailsOf<{ queries: SessionDetail[] }>(outcome).queries.map((query) => query.pid)).toEqual([
        elsewhere.pid,
      ]);
    });
  });

  describe('connections.idle-in-transaction', () => {
    it('passes on a quiet database', async () => {
      const { fresh } = await database();
      const outcome = await connectionsIdleInTransaction.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome).toMatchObject({
        status: 'pass',
        summary: 'no session has been idle in a transaction longer than 500 ms',
      });
    });

    it('warns on sessions left in an open transaction, an aborted one included', async () => {
      const { fresh } = await database();
      const idle = await connect(fresh.url!, 'ldb-idle');
      await idle.client.query('begin');
      await idle.client.query("select 'tok_secret_value' as key");
      const aborted = await connect(fresh.url!, 'ldb-aborted');
      await aborted.client.query('begin');
      await aborted.client.query('select 1/0').catch(() => {});
      await sleep(PAST_THRESHOLD_MS);
      const outcome = await connectionsIdleInTransaction.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome.status, outcome.summary).toBe('warn');
      expect(outcome.summary).toMatch(/^2 sessions have been idle in an open transaction longer than 500 ms/);
      const { sessions: found } = detailsOf<{ sessions: (SessionDetail & { aborted?: boolean })[] }>(outcome);
      expect(found).toEqual([
        expect.objectContaining({ pid: idle.pid, application: 'ldb-idle', query: "select '***' as key" }),
        expect.objectContaining({ pid: aborted.pid, application: 'ldb-aborted', aborted: true }),
      ]);
      expect(JSON.stringify(outcome)).not.toContain('tok_secret_value');
      expect(outcome.fix).toContain('idle_in_transaction_session_timeout');
      expect(outcome.fix).toContain(`\`launchdb connections terminate ${idle.pid} --env development\``);
    });
  });

  describe('connections.blocked', () => {
    it('passes on a quiet database', async () => {
      const { fresh } = await database();
      const outcome = await connectionsBlocked.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome).toMatchObject({
        status: 'pass',
        summary: 'no session has been waiting on a lock longer than 500 ms',
      });
    });

    it('warns on a session waiting on a lock past the threshold, naming who blocks it', async () => {
      const { fresh } = await database();
      await fresh.db.query('create table orders (id int)');
      const holder = await connect(fresh.url!, 'ldb-holder');
      await holder.client.query('begin');
      await holder.client.query('lock table orders in access exclusive mode');
      const waiter = await connect(fresh.url!, 'ldb-waiter');
      waiter.start('select count(*) from orders');
      await sleep(PAST_THRESHOLD_MS);

      // Under the default 30 s, a wait under a second is not reported.
      expect((await connectionsBlocked.run(contextFor(fresh.url))).status).toBe('pass');
      const outcome = await connectionsBlocked.run(contextFor(fresh.url, { connections: FAST }));
      expect(outcome.status, outcome.summary).toBe('warn');
      const details = detailsOf<{
        blocked: (SessionDetail & { blockedBy: number[] })[];
        blockers: (SessionDetail & { state: string; root: boolean })[];
      }>(outcome);
      expect(details.blocked).toEqual([
        expect.objectContaining({ pid: waiter.pid, application: 'ldb-waiter', blockedBy: [holder.pid] }),
      ]);
      expect(details.blockers).toEqual([
        expect.objectContaining({
          pid: holder.pid,
          application: 'ldb-holder',
          state: 'idle in transaction',
          root: true,
          query: 'lock table orders in access exclusive mode',
        }),
      ]);
      expect(outcome.summary).toContain(
        `blocked by pid ${holder.pid} (postgres, ldb-holder), idle in transaction`,
      );
      expect(outcome.fix).toContain(`(launchdb connections terminate ${holder.pid} --env development)`);
    });
  });

  describe('what the app role is not allowed to see', () => {
    it("says other roles' sessions are hidden instead of calling them fine, and names the grant", async () => {
      const { fresh, name } = await database();
      const role = await createRole();
      const ctx = contextFor(serverUrlFor(name, role), { connections: FAST });
      const slow = await connect(fresh.url!);
      slow.start('select pg_sleep(30)');
      await sleep(PAST_THRESHOLD_MS);

      const hidden = await connectionsLongRunning.run(ctx);
      expect(hidden.status, hidden.summary).toBe('pass');
      // The slow query's session, and the test's own superuser pool on the database.
      expect(hidden.summary).toMatch(/; \d+ sessions of postgres are hidden from this role, so not judged$/);
      expect(hidden.details).toMatchObject({ hidden: { roles: ['postgres'] } });
      expect(hidden.fix).toContain(`GRANT pg_read_all_stats TO "${role}"`);

      await adminQuery(`grant pg_read_all_stats to ${role}`);
      const seen = await connectionsLongRunning.run(ctx);
      expect(seen.status, seen.summary).toBe('warn');
      expect(detailsOf<{ queries: SessionDetail[] }>(seen).queries.map((query) => query.pid)).toEqual([
        slow.pid,
      ]);
    });

    it("finds a hidden role's session blocked on a lock all the same, through pg_locks", async () => {
      const { fresh, name } = await database();
      const role = await createRole();
      await fresh.db.query('create table orders (id int)');
      const holder = await connect(fresh.url!);
      await holder.client.query('begin');
      await holder.client.query('lock table orders in access exclusive mode');
      const waiter = await connect(fresh.url!);
      waiter.start('select count(*) from orders');
      await sleep(PAST_THRESHOLD_MS);
      const outcome = await connectionsBlocked.run(
        contextFor(serverUrlFor(name, role), { connections: FAST }),
      );
      expect(outcome.status, outcome.summary).toBe('warn');
      expect(detailsOf<{ blocked: (SessionDetail & { blockedBy: number[] })[] }>(outcome).blocked).toEqual([
        expect.objectContaining({ pid: waiter.pid, role: 'postgres', query: null, blockedBy: [holder.pid] }),
      ]);
      expect(outcome.summary).toContain('hidden from this role');
    });
  });

  describe('connections.app-role-timeouts', () => {
    it('fails for a role without timeouts, naming the ALTER ROLE and the attach that add them', async () => {
      const { name } = await database();
      const role = await createRole();
      const outcome = await connectionsAppRoleTimeouts.run(contextFor(serverUrlFor(name, role)));
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe(
        `app role "${role}" runs without statement_timeout and idle_in_transaction_session_timeout: a slow query or a forgotten transaction holds its connection forever`,
      );
      expect(outcome.fix).toBe(
        `as an admin: ALTER ROLE "${role}" SET statement_timeout = '15s'; ALTER ROLE "${role}" SET idle_in_transaction_session_timeout = '1min'; or re-run \`launchdb attach postgres --env development --admin-url …\`, which adds them.`,
      );
    });

    it("proposes the environment's configured timeouts", async () => {
      const { name } = await database();
      const role = await createRole();
      const url = serverUrlFor(name, role);
      const environments = {
        development: { postgres: { appRole: { statementTimeout: 5_000, idleInTransactionTimeout: 2_500 } } },
      };
      const outcome = await connectionsAppRoleTimeouts.run(contextFor(url, { environments }));
      expect(outcome.fix).toContain(`SET statement_timeout = '5s';`);
      expect(outcome.fix).toContain(`SET idle_in_transaction_session_timeout = '2500ms';`);
    });

    it("counts a database's settings, and aims the fix at a role-in-database 0 that overrides the role's", async () => {
      const { name } = await database();
      const role = await createRole();
      await adminQuery(`alter role ${role} set statement_timeout = '15s'`);
      await adminQuery(`alter database ${name} set idle_in_transaction_session_timeout = '30s'`);
      const url = serverUrlFor(name, role);
      const passed = await connectionsAppRoleTimeouts.run(contextFor(url));
      expect(passed.status, passed.summary).toBe('pass');
      expect(passed.summary).toBe(
        `app role "${role}" gets statement_timeout 15 s (from the role) and idle_in_transaction_session_timeout 30 s (from the database)`,
      );

      await adminQuery(`alter role ${role} in database ${name} set statement_timeout = 0`);
      const failed = await connectionsAppRoleTimeouts.run(contextFor(url));
      expect(failed.status).toBe('fail');
      expect(failed.summary).toContain('without statement_timeout (0, from the role in this database)');
      // The role has its own setting, so attach would add nothing.
      expect(failed.fix).toBe(
        `as an admin: ALTER ROLE "${role}" IN DATABASE "${name}" SET statement_timeout = '15s';`,
      );
    });

    it("fails on a 0 from the connection's options, whatever the role says", async () => {
      const { name } = await database();
      const role = await createRole();
      await adminQuery(`alter role ${role} set statement_timeout = '15s'`);
      await adminQuery(`alter role ${role} set idle_in_transaction_session_timeout = '1min'`);
      const url = `${serverUrlFor(name, role)}?options=${encodeURIComponent('-c statement_timeout=0')}`;
      const outcome = await connectionsAppRoleTimeouts.run(contextFor(url));
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain("statement_timeout (0, from the connection's options)");
      expect(outcome.fix).toBe(
        "Remove `-c statement_timeout=0` from the connection's options (the URL's options parameter or PGOPTIONS).",
      );
    });
  });

  describe('connections.worker-separation', () => {
    const processes = { connections: { processes: { web: 2, worker: 1 } } };

    /** A session named `<project>:<kind>`, as launchdb/pool names it. */
    const asKind = (url: string, kind: string) => connect(url, `${base.name}:${kind}`);

    it('skips when no background kind is declared or seen', async () => {
      const { fresh } = await database();
      await connect(fresh.url!, '');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url));
      expect(outcome.status).toBe('skip');
      expect(outcome.summary).toBe(
        `no background process kinds: none declared under connections.processes and no session named ${base.name}:<kind>`,
      );
    });

    it('skips when the declared background kinds are not connected now', async () => {
      const { fresh } = await database();
      await asKind(fresh.url!, 'web');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url, processes));
      expect(outcome.status).toBe('skip');
      expect(outcome.summary).toBe(
        'no session of worker is connected now, so their separation cannot be told; run the check while they run',
      );
    });

    it('passes when the worker connects with its own application name', async () => {
      const { fresh } = await database();
      await asKind(fresh.url!, 'web');
      await asKind(fresh.url!, 'worker');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url, processes));
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toBe(`worker connects by its application name ${base.name}:worker`);
    });

    it('passes when the worker connects as its own role with a connection limit', async () => {
      const { fresh, name } = await database();
      const worker = await createRole('connection limit 5');
      await asKind(fresh.url!, 'web');
      await asKind(serverUrlFor(name, worker), 'worker');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url, processes));
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toBe(`worker connects by its own role ${worker} (limit 5)`);
    });

    it('warns when the worker has its own role but no connection limit', async () => {
      const { fresh, name } = await database();
      const worker = await createRole();
      await asKind(fresh.url!, 'web');
      await asKind(serverUrlFor(name, worker), 'worker');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url, processes));
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toBe(`worker connects as ${worker}, with no connection limit`);
      expect(outcome.fix).toContain(`ALTER ROLE "${worker}" CONNECTION LIMIT <n>;`);
    });

    it("warns when the app role's unnamed sessions could be the worker, indistinguishable from user traffic", async () => {
      const { fresh } = await database();
      await asKind(fresh.url!, 'web');
      await connect(fresh.url!, '');
      await connect(fresh.url!, '');
      const outcome = await connectionsWorkerSeparation.run(contextFor(fresh.url, processes));
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toBe(
        `2 sessions of postgres carry no process name beside ${base.name}:web; no session is named ${base.name}:worker, so worker cannot be told from user traffic`,
      );
      expect(outcome.fix).toContain("createPool({ kind: 'worker' })");
    });
  });

  describe('with a provisioned app role on a private scram cluster', () => {
    let cluster: PrivateCluster;
    let urls: { DATABASE_URL: string; DATABASE_MIGRATION_URL: string };
    beforeAll(async () => {
      cluster = await startPrivateCluster();
      const result = await provision({
        adminUrl: cluster.superuserUrl,
        project: 'shop',
        environment: 'development',
        database: uniqueName('shop'),
        rotate: false,
        knownSecrets: {},
        connectTimeoutMs: 10_000,
      });
      urls = result.urls;
    });
    afterAll(() => cluster?.stop());

    it('passes app-role-timeouts with the timeouts provisioning set on the role', async () => {
      const outcome = await connectionsAppRoleTimeouts.run(contextFor(urls.DATABASE_URL));
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toMatch(
        /^app role "shop_\w+_app" gets statement_timeout 15 s \(from the role\) and idle_in_transaction_session_timeout 1 min \(from the role\)$/,
      );
      expect(JSON.stringify(outcome)).not.toContain(new URL(urls.DATABASE_URL).password);
    });

    it("sees the app's own long query, and says the owner's is hidden from the NOINHERIT app role", async () => {
      const owner = await connect(urls.DATABASE_MIGRATION_URL, 'launchdb migrate');
      owner.start('select pg_sleep(30)');
      const app = await connect(urls.DATABASE_URL, 'shop:worker');
      app.start('select pg_sleep(30)');
      await sleep(PAST_THRESHOLD_MS);
      const ctx = contextFor(urls.DATABASE_URL, { connections: FAST });
      const outcome = await connectionsLongRunning.run(ctx);
      expect(outcome.status, outcome.summary).toBe('warn');
      expect(detailsOf<{ queries: SessionDetail[] }>(outcome).queries.map((query) => query.pid)).toEqual([
        app.pid,
      ]);
      expect(outcome.summary).toMatch(/1 session of shop_\w+_owner is hidden from this role, so not judged$/);
      // Before Postgres 16 a grant does not reach a NOINHERIT role; from 16 one grant can be inherited.
      const version = new pg.Client({ connectionString: cluster.superuserUrl });
      await version.connect();
      const { rows } = await version.query<{ n: number }>(
        `select current_setting('server_version_num')::int as n`,
      );
      await version.end();
      expect(outcome.fix).toContain(
        rows[0]!.n >= 160_000 ? 'WITH INHERIT TRUE' : 'is NOINHERIT, so before Postgres 16',
      );
    });
  });
});
