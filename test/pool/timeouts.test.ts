// launchdb/pool on the server: each time limit fires, rejects with a QueryTimeoutError that names itself, and never hangs.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type LaunchdbPool, type PoolOptions, QueryTimeoutError } from '../../src/pool/index.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';

const database = uniqueName('ldb_pool_timeouts');
const url = serverUrlFor(database);
const pools: LaunchdbPool[] = [];
const clients: pg.Client[] = [];

function pool(options: PoolOptions = {}): LaunchdbPool {
  const created = createPool({ url, project: 'shop', ...options });
  pools.push(created);
  return created;
}

/** The rejection of `promise`, and how long it took to come. */
async function rejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
  return { error, ms: performance.now() - started };
}

/** Statements of this database's other sessions that are still running `pg_sleep`. */
async function sleepersRunning(): Promise<number> {
  const { rows } = await adminQuery(
    `select count(*)::int as n from pg_stat_activity
     where datname = $1 and state = 'active' and query like '%pg_sleep%' and pid <> pg_backend_pid()`,
    [database],
  );
  return rows[0].n;
}

describe.skipIf(!serverAvailable)('launchdb/pool timeouts', () => {
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    await adminQuery('create table locked (id int primary key)', [], database);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => {})));
    await Promise.all(pools.splice(0).map((created) => created.end({ timeoutMs: 100 }).catch(() => {})));
  });

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('rejects a statement past statement_timeout with a QueryTimeoutError naming the limit and the first line', async () => {
    const { error, ms } = await rejection(
      pool({ statementTimeout: 200 }).query('select pg_sleep(5) as slow\n  -- the second line'),
    );
    expect(error).toBeInstanceOf(QueryTimeoutError);
    const timeout = error as QueryTimeoutError;
    expect(timeout).toMatchObject({
      timeout: 'statement_timeout',
      timeoutMs: 200,
      source: 'server',
      code: '57014',
      statement: 'select pg_sleep(5) as slow …',
    });
    expect(timeout.message).toContain('statement_timeout (200 ms) stopped "select pg_sleep(5) as slow …"');
    expect((timeout.cause as { code?: string }).code).toBe('57014');
    expect(ms).toBeLessThan(4_000); // well before pg_sleep(5) would answer
  });

  it('names the timeout on a client from connect(), and in the callback form of pool.query', async () => {
    const timed = pool({ statementTimeout: 200 });
    const client = await timed.connect();
    try {
      const { error } = await rejection(client.query('select pg_sleep(5)'));
      expect(error).toBeInstanceOf(QueryTimeoutError);
      // The connection survives a server-side timeout and answers the next statement.
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
    const viaCallback = await new Promise<Error>((resolve) => {
      timed.query('select pg_sleep(5)', (error: Error) => resolve(error));
    });
    expect(viaCallback).toBeInstanceOf(QueryTimeoutError);
    expect(timed.stats().queryTimeouts).toBe(2);
  });

  it('rejects through the client-side backstop when the server timeout is off, and cancels the statement', async () => {
    const timed = pool({ statementTimeout: 10_000, queryTimeout: 300 });
    const client = await timed.connect();
    try {
      await client.query('set statement_timeout = 0');
      const { error, ms } = await rejection(client.query('select pg_sleep(30)'));
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error).toMatchObject({ timeout: 'queryTimeout', timeoutMs: 300, source: 'client' });
      expect(error.message).toContain('queryTimeout (300 ms) stopped "select pg_sleep(30)"');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(5_000);
      // Cancelled on the server, not only abandoned: the same connection is free again at once.
      const started = performance.now();
      expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      client.release();
    }
    expect(await sleepersRunning()).toBe(0);
  });

  it('behind PgBouncer sets no session timeouts and relies on the backstop', async () => {
    const bounced = pool({ pgbouncer: true, statementTimeout: 300 });
    // The superuser has no role setting, so nothing on the server stops this statement.
    expect((await bounced.query('show statement_timeout')).rows).toEqual([{ statement_timeout: '0' }]);
    const { error, ms } = await rejection(bounced.query('select pg_sleep(30)'));
    expect(error).toMatchObject({ name: 'QueryTimeoutError', timeout: 'queryTimeout', timeoutMs: 1_300 });
    expect(ms).toBeLessThan(6_000);
    await expect.poll(sleepersRunning, { timeout: 2_000 }).toBe(0);
  });

  it('rejects a statement waiting on a lock past lock_timeout', async () => {
    const holder = new pg.Client({ connectionString: url });
    clients.push(holder);
    await holder.connect();
    await holder.query('begin');
    await holder.query('lock table locked in access exclusive mode');
    const { error, ms } = await rejection(pool({ lockTimeout: 200 }).query('insert into locked values (1)'));
    expect(error).toMatchObject({
      name: 'QueryTimeoutError',
      timeout: 'lock_timeout',
      timeoutMs: 200,
      code: '55P03',
      statement: 'insert into locked values (1)',
    });
    expect(ms).toBeLessThan(5_000);
  });

  it('names idle_in_transaction_session_timeout on the statement after the server closed the idle transaction', async () => {
    const client = await pool({ idleInTransactionTimeout: 200 }).connect();
    await client.query('begin');
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The server's FATAL arrived while nobody was listening on the client: the process is still here.
    const { error } = await rejection(client.query('select 1'));
    expect(error).toMatchObject({
      name: 'QueryTimeoutError',
      timeout: 'idle_in_transaction_session_timeout',
      timeoutMs: 200,
      code: '25P03',
    });
    expect(error.message).toContain('closed the connection before "select 1"');
    client.release(error);
  });

  it('passes other errors through untouched', async () => {
    const { error } = await rejection(pool().query('selec 1'));
    expect(error).not.toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ code: '42601' });
  });
});
