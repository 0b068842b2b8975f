// launchdb/pool when the server goes away, refuses or cannot be reached: every error names host:port/database
// and what happened, keeps the original as `cause` and its `code`; a statement's own errors stay pg's.
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  type LaunchdbPool,
  PoolConnectionError,
  type PoolOptions,
  type PoolWarning,
  WARNING_CODES,
} from '../../src/pool/index.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';

const pools: LaunchdbPool[] = [];

function pool(options: PoolOptions & { url: string }): LaunchdbPool {
  const created = createPool({ project: 'shop', ...options });
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.end({ timeoutMs: 100 }).catch(() => {})));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `promise` rejects with; a resolution fails the test. */
const rejectionOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );

/** The error is a PoolConnectionError naming `server`, with its cause, and no password. */
/**
 * The failure's code, or `FIN` for a socket the server closed cleanly with no farewell (an immediate
 * shutdown's backend can quit that way): pg then says "Connection terminated unexpectedly", with no
 * errno, and the failure is named as a closed connection all the same.
 */
function codeOf(named: PoolConnectionError): string | undefined {
  if (named.code !== undefined) return named.code;
  return named.kind === 'closed' && named.message.includes('(Connection terminated unexpectedly)')
    ? 'FIN'
    : undefined;
}

function expectNamed(error: Error, server: string, password?: string): PoolConnectionError {
  expect(error, error.message).toBeInstanceOf(PoolConnectionError);
  const named = error as PoolConnectionError;
  const lead = named.phase === 'connect' ? 'could not connect to' : 'lost the connection to';
  expect(named.message.startsWith(`${lead} ${server}: `), named.message).toBe(true);
  expect(named.server).toBe(server);
  expect(named.cause).toBeInstanceOf(Error);
  if (password) expect(named.message).not.toContain(password);
  return named;
}

/** The first statement that answers, polled, proving the pool serves again. */
async function answers(target: LaunchdbPool): Promise<void> {
  await expect
    .poll(async () => (await target.query('select 1 as one').catch(() => ({ rows: [] }))).rows, {
      timeout: 10_000,
      interval: 100,
    })
    .toEqual([{ one: 1 }]);
}

describe.skipIf(!serverAvailable)('launchdb/pool connection errors on the server', () => {
  const database = uniqueName('ldb_pool_conn');
  const url = serverUrlFor(database);
  const server = `127.0.0.1:5432/${database}`;

  /** Terminates this database's pool connections named `shop:<kind>`; returns how many. */
  async function terminate(kind: string, state: 'active' | 'idle'): Promise<number> {
    const { rows } = await adminQuery(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
       where datname = $1 and application_name = $2 and state = $3 and pid <> pg_backend_pid()`,
      [database, `shop:${kind}`, state],
    );
    return rows[0].n;
  }

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    await adminQuery('create table accounts (id int primary key)', [], database);
  });

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('names the server and 57P01 when pg_terminate_backend ends a running statement, then serves again', async () => {
    const terminated = pool({ url, kind: 'terminated' });
    const running = rejectionOf(terminated.query('select pg_sleep(30)'));
    await expect.poll(() => terminate('terminated', 'active')).toBe(1);
    const named = expectNamed(await running, server);
    expect(named).toMatchObject({ kind: 'shutdown', phase: 'session', code: '57P01' });
    expect(named.message).toBe(
      `lost the connection to ${server}: the server is shutting down or an administrator terminated the session ` +
        '(57P01: terminating connection due to administrator command); ' +
        'the pool opens a new connection when next needed; a statement in flight may or may not have taken effect',
    );
    expect((named.cause as pg.DatabaseError).code).toBe('57P01');
    await answers(terminated);
  });

  it('names the reason on a checked-out client, and again on the next statement sent on it', async () => {
    const checkedOut = pool({ url, kind: 'held' });
    const client = await checkedOut.connect();
    const running = rejectionOf(client.query('select pg_sleep(30)'));
    await expect.poll(() => terminate('held', 'active')).toBe(1);
    expect(expectNamed(await running, server).code).toBe('57P01');
    // The connection is gone: pg says "not queryable"; the pool says why.
    const next = expectNamed(await rejectionOf(client.query('select 1')), server);
    expect(next).toMatchObject({ kind: 'shutdown', code: '57P01' });
    expect(next.message).toContain('administrator command');
    client.release(next);
    await answers(checkedOut);
  });

  it("gives the app's 'error' listener a named error when an idle connection is terminated", async () => {
    const idle = pool({ url, kind: 'idle' });
    await idle.query('select 1');
    const failed = new Promise<Error>((resolve) => idle.once('error', resolve));
    await expect.poll(() => terminate('idle', 'idle')).toBe(1);
    const named = expectNamed(await failed, server);
    expect(named).toMatchObject({ kind: 'shutdown', phase: 'session', code: '57P01' });
    await answers(idle);
  });

  it('warns, naming the server, instead of crashing when an idle connection fails and nobody listens', async () => {
    const unheard = pool({ url, kind: 'unheard' });
    await unheard.query('select 1');
    const warnings: PoolWarning[] = [];
    const onWarning = (warning: Error) => warnings.push(warning as PoolWarning);
    process.on('warning', onWarning);
    try {
      await expect.poll(() => terminate('unheard', 'idle')).toBe(1);
      await expect.poll(() => warnings.length).toBeGreaterThan(0);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings[0]!.code).toBe(WARNING_CODES.idleError);
    expect(warnings[0]!.message).toContain(
      `launchdb pool shop:unheard: an idle connection failed: lost the connection to ${server}: the server is shutting down or an administrator terminated the session (57P01`,
    );
    await answers(unheard);
  });

  it('names a connection reset on the way (a proxy that resets it), never a bare ECONNRESET', async () => {
    const proxy = await resettingProxy(5432);
    try {
      const proxied = new URL(url);
      proxied.port = String(proxy.port);
      const through = pool({ url: proxied.toString(), kind: 'proxied' });
      const proxiedServer = `127.0.0.1:${proxy.port}/${database}`;
      const running = rejectionOf(through.query('select pg_sleep(2)'));
      await expect.poll(() => proxy.open()).toBe(1);
      await sleep(100);
      proxy.reset();
      const named = expectNamed(await running, proxiedServer);
      expect(named).toMatchObject({ kind: 'closed', phase: 'session', code: 'ECONNRESET' });
      expect(named.message).toContain(
        `lost the connection to ${proxiedServer}: the server closed the connection (ECONNRESET);`,
      );
      expect((named.cause as Error).message).toBe('read ECONNRESET');
      await answers(through);
    } finally {
      await proxy.close();
    }
  });

  it('names a refused connection on a port where nothing listens', async () => {
    const port = await deadPort();
    const refused = pool({ url: `postgresql://app:s3cret-pw@127.0.0.1:${port}/shop` });
    const named = expectNamed(
      await rejectionOf(refused.query('select 1')),
      `127.0.0.1:${port}/shop`,
      's3cret-pw',
    );
    expect(named).toMatchObject({ kind: 'refused', phase: 'connect', code: 'ECONNREFUSED' });
    expect(named.message).toBe(
      `could not connect to 127.0.0.1:${port}/shop: connection refused (ECONNREFUSED); is the server running and listening there?`,
    );
    const health = await refused.health();
    expect(health).toMatchObject({ ok: false, error: named.message });
  });

  it("names a host that does not resolve: the server's host could not be resolved", async () => {
    const unresolved = pool({ url: 'postgresql://app:s3cret-pw@db.invalid:5432/shop' });
    const named = expectNamed(await rejectionOf(unresolved.connect()), 'db.invalid:5432/shop', 's3cret-pw');
    expect(named).toMatchObject({ kind: 'unresolved', phase: 'connect', code: 'ENOTFOUND' });
    expect(named.message).toContain("the server's host could not be resolved (ENOTFOUND)");
  });

  it("leaves a statement's own errors (classes 22, 23, 42) as pg's DatabaseError, untouched", async () => {
    const app = pool({ url, kind: 'app' });
    await app.query('insert into accounts values (1)');
    const duplicate = await rejectionOf(app.query('insert into accounts values (1)'));
    const syntax = await rejectionOf(app.query('selec 1'));
    const division = await rejectionOf(app.query('select 1 / 0'));
    const client = await app.connect();
    const onClient = await rejectionOf(client.query('select * from missing_table'));
    client.release();
    for (const [error, code] of [
      [duplicate, '23505'],
      [syntax, '42601'],
      [division, '22012'],
      [onClient, '42P01'],
    ] as const) {
      expect(error).toBeInstanceOf(pg.DatabaseError);
      expect(error).not.toBeInstanceOf(PoolConnectionError);
      expect((error as pg.DatabaseError).code).toBe(code);
    }
    expect((duplicate as pg.DatabaseError).constraint).toBe('accounts_pkey');
  });
});

describe('launchdb/pool connection errors on a private cluster that restarts', () => {
  let cluster: PrivateCluster;
  let url: string;
  let server: string;
  let password: string;
  const database = 'ldb_restarts';

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const client = new pg.Client({ connectionString: cluster.superuserUrl });
    await client.connect();
    await client.query(`create database ${database}`);
    await client.query("create role ldb_one login password 'one-pw-8f2' connection limit 1");
    await client.end();
    const parsed = new URL(cluster.superuserUrl);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
    password = decodeURIComponent(parsed.password);
    server = `127.0.0.1:${cluster.port}/${database}`;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it.each([
    ['restart -m fast', 'fast', 'terminating connection due to administrator command'],
    [
      'stop -m immediate, then start',
      'immediate',
      'terminating connection due to immediate shutdown command',
    ],
  ] as const)(
    'names every failure while the server goes through %s, and recovers',
    async (_, mode, farewell) => {
      const restarted = pool({ url, kind: 'loop', max: 4, connectTimeout: 2_000 });
      const idleErrors: Error[] = [];
      restarted.on('error', (error) => idleErrors.push(error));
      // Four connections open, three kept busy: one stays idle to see the idle path.
      const warm = await Promise.all([1, 2, 3, 4].map(() => restarted.connect()));
      for (const client of warm) client.release();

      const failures: Error[] = [];
      let answered = 0;
      let running = true;
      const loop = async (statement: string) => {
        while (running) {
          try {
            await restarted.query(statement);
            answered++;
          } catch (error) {
            failures.push(error as Error);
            await sleep(20);
          }
        }
      };
      const loops = ['select pg_sleep(0.05)', 'select pg_sleep(0.02)', 'select 1'].map(loop);
      await sleep(300);
      await cluster.shutDown(mode);
      await sleep(300);
      await cluster.startUp();
      const before = answered;
      await expect.poll(() => answered - before, { timeout: 10_000 }).toBeGreaterThan(20);
      running = false;
      await Promise.all(loops);

      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        const named = expectNamed(failure, server, password);
        expect(['shutdown', 'closed', 'refused']).toContain(named.kind);
        expect(codeOf(named), named.message).toMatch(/^(57P0[13]|ECONNREFUSED|ECONNRESET|EPIPE|FIN)$/);
        expect(named.message).not.toMatch(/: (read )?ECONNRESET$/);
      }
      const lost = failures.filter((failure) => (failure as PoolConnectionError).phase === 'session');
      expect(lost.length).toBeGreaterThan(0);
      // A fast shutdown always says goodbye (57P01). An immediate one only tries: its backends quit
      // on SIGQUIT, and on a loaded machine the socket may close before the farewell is written,
      // which must then be named as a connection the server closed, never a bare ECONNRESET.
      const saidGoodbye = (failure: Error) => (failure as PoolConnectionError).code === '57P01';
      for (const failure of lost) {
        if (mode === 'immediate' && !saidGoodbye(failure)) {
          expect((failure as PoolConnectionError).kind, failure.message).toBe('closed');
          expect(codeOf(failure as PoolConnectionError), failure.message).toMatch(/^(ECONNRESET|EPIPE|FIN)$/);
          continue;
        }
        expect(failure.message).toContain(
          `the server is shutting down or an administrator terminated the session (57P01: ${farewell})`,
        );
        expect(saidGoodbye(failure)).toBe(true);
      }
      if (mode === 'fast') expect(lost.some(saidGoodbye)).toBe(true);
      expect(failures.some((failure) => (failure as PoolConnectionError).kind === 'refused')).toBe(true);
      expect(idleErrors.length).toBeGreaterThan(0);
      for (const error of idleErrors) {
        const named = expectNamed(error, server, password);
        expect(codeOf(named)).toMatch(mode === 'immediate' ? /^(57P01|ECONNRESET|EPIPE|FIN)$/ : /^57P01$/);
      }
    },
  );

  it('names an authentication failure without the password it was given', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-pw-41c';
    const refused = pool({ url: wrong.toString() });
    const named = expectNamed(await rejectionOf(refused.query('select 1')), server, 'not-the-pw-41c');
    expect(named).toMatchObject({ kind: 'authentication', phase: 'connect', code: '28P01' });
    expect(named.message).toBe(
      `could not connect to ${server}: authentication failed (28P01: password authentication failed for user "postgres"); ` +
        "check the user and password in the database URL, and the server's pg_hba.conf",
    );
  });

  it("names a role out of connection slots (53300), keeping the server's words", async () => {
    const limited = new URL(url);
    limited.username = 'ldb_one';
    limited.password = 'one-pw-8f2';
    const one = pool({ url: limited.toString(), max: 2 });
    const held = await one.connect();
    try {
      const named = expectNamed(await rejectionOf(one.connect()), server, 'one-pw-8f2');
      expect(named).toMatchObject({ kind: 'too-many-connections', phase: 'connect', code: '53300' });
      expect(named.message).toContain(
        'no free connection slot (53300: too many connections for role "ldb_one")',
      );
    } finally {
      held.release();
    }
  });

  it('names TLS asked of a server that does not offer it', async () => {
    const tls = new URL(url);
    tls.searchParams.set('sslmode', 'require');
    tls.searchParams.set('uselibpqcompat', 'true');
    const refused = pool({ url: tls.toString() });
    const named = expectNamed(await rejectionOf(refused.query('select 1')), server, password);
    expect(named).toMatchObject({ kind: 'tls', phase: 'connect' });
    expect(named.message).toContain(
      'TLS was asked for but the server does not offer it (The server does not support SSL connections)',
    );
  });
});

/** A port nothing listens on: taken, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy to the real server that can reset its client connections, as a load balancer or a container's proxy does. */
async function resettingProxy(target: number) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client);
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    open: () => sockets.size,
    reset: () => {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
