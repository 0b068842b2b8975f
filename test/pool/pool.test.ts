// launchdb/pool's lending on the server: exhaustion that names its holders, stats, health, one pool per database, end().
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  duplicatePoolCount,
  type LaunchdbPool,
  PoolConnectionError,
  PoolExhaustedError,
  type PoolOptions,
  type PoolWarning,
  WARNING_CODES,
} from '../../src/pool/index.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';

const database = uniqueName('ldb_pool');
const url = serverUrlFor(database);
const pools: LaunchdbPool[] = [];

function pool(options: PoolOptions = {}): LaunchdbPool {
  const created = createPool({ url, project: 'shop', ...options });
  pools.push(created);
  return created;
}

/** What `promise` rejects with; a resolution fails the test. */
const rejectionOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sessionsRunning(text: string): Promise<number> {
  const { rows } = await adminQuery(
    `select count(*)::int as n from pg_stat_activity
     where datname = $1 and state = 'active' and query = $2 and pid <> pg_backend_pid()`,
    [database, text],
  );
  return rows[0].n;
}

/** A TCP server that accepts connections and never answers: a database that does not respond. */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe.skipIf(!serverAvailable)('launchdb/pool lending', () => {
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((created) => created.end({ timeoutMs: 100 }).catch(() => {})));
  });

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('rejects an acquisition past connectTimeout with PoolExhaustedError naming what holds the pool', async () => {
    const small = pool({ max: 1, connectTimeout: 200 });
    const held = await small.connect();
    await held.query("select 'held by a report' as job\nfrom generate_series(1, 2)");
    await sleep(100);
    const started = performance.now();
    const error = await rejectionOf(small.query('select 1'));
    const waited = performance.now() - started;
    held.release();

    expect(error).toBeInstanceOf(PoolExhaustedError);
    const exhausted = error as PoolExhaustedError;
    expect(exhausted).toMatchObject({ max: 1, checkedOut: 1, waiting: 0 });
    expect(exhausted.holders).toHaveLength(1);
    expect(exhausted.holders[0]!.statement).toBe("select '***' as job …");
    expect(exhausted.holders[0]!.heldMs).toBeGreaterThanOrEqual(300);
    expect(exhausted.waitedMs).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(3_000);
    expect(exhausted.message).toMatch(
      /^pool exhausted: no connection came free within \d+ ms: 1 of 1 connections checked out, held for 0\.\d s; the longest last ran "select '\*\*\*' as job …"; 0 more waiting\./,
    );
    expect(exhausted.message).toContain('client.release()');
    expect(small.stats().exhausted).toBe(1);
    // Released, the connection serves the next caller.
    expect((await small.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('names a holder that has run nothing yet, and counts the others waiting', async () => {
    const small = pool({ max: 1, connectTimeout: 300 });
    const held = await small.connect();
    const first = rejectionOf(small.connect());
    await sleep(50);
    const second = await rejectionOf(small.connect());
    held.release();
    expect(second).toBeInstanceOf(PoolExhaustedError);
    expect((second as PoolExhaustedError).holders[0]!.statement).toBe('(none yet)');
    const firstError = await first;
    expect(firstError).toBeInstanceOf(PoolExhaustedError);
    expect((firstError as PoolExhaustedError).waiting).toBe(1);
  });

  it('says the server did not answer when a new connection is not made within connectTimeout', async () => {
    const { server, port } = await silentServer();
    try {
      const silent = createPool({
        url: `postgresql://app:s3cret@127.0.0.1:${port}/shop`,
        connectTimeout: 200,
      });
      pools.push(silent);
      const started = performance.now();
      const error = await rejectionOf(silent.query('select 1'));
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error).not.toBeInstanceOf(PoolExhaustedError);
      expect(error).toBeInstanceOf(PoolConnectionError);
      expect(error).toMatchObject({ kind: 'timeout', phase: 'connect', server: `127.0.0.1:${port}/shop` });
      expect(error.message).toBe(
        `could not connect to 127.0.0.1:${port}/shop: no answer within 0.2 s; is the server up and reachable from here? (connectTimeout)`,
      );
      const health = await silent.health({ timeoutMs: 1_000 });
      expect(health.ok).toBe(false);
      expect(health.error).toContain('could not connect');
      expect(JSON.stringify(health)).not.toContain('s3cret');
    } finally {
      server.close();
    }
  });

  it('reports total, idle, checked out, waiting and acquire-wait percentiles', async () => {
    const counted = pool({ max: 2 });
    expect(counted.stats()).toMatchObject({ max: 2, total: 0, idle: 0, checkedOut: 0, waiting: 0 });
    expect(counted.stats().acquireWait).toMatchObject({ samples: 0, p50: 0, p99: 0 });
    const a = await counted.connect();
    const b = await counted.connect();
    const third = counted.connect();
    await sleep(20);
    expect(counted.stats()).toMatchObject({ total: 2, idle: 0, checkedOut: 2, waiting: 1 });
    await sleep(180);
    a.release();
    const c = await third;
    c.release();
    b.release();
    const stats = counted.stats();
    expect(stats).toMatchObject({ total: 2, idle: 2, checkedOut: 0, waiting: 0 });
    expect(stats.acquireWait.samples).toBe(3);
    expect(stats.acquireWait.p99).toBeGreaterThanOrEqual(195);
    expect(stats.acquireWait.p50).toBeLessThanOrEqual(stats.acquireWait.p95);
    expect(stats.acquireWait.p95).toBeLessThanOrEqual(stats.acquireWait.p99);
    expect(stats.acquireWait.windowMs).toBe(60_000);
  });

  it('closes a connection left idle past idleTimeout', async () => {
    const idle = pool({ idleTimeout: 100 });
    await idle.query('select 1');
    expect(idle.stats()).toMatchObject({ total: 1, idle: 1 });
    await expect.poll(() => idle.stats().total, { timeout: 2_000 }).toBe(0);
  });

  it('answers a health probe without throwing: ok with a latency, or not ok with the reason', async () => {
    const healthy = pool();
    const health = await healthy.health();
    expect(health.ok).toBe(true);
    expect(health.latencyMs).toBeGreaterThan(0);
    expect(health.error).toBeUndefined();

    const exhausted = pool({ max: 1 });
    const held = await exhausted.connect();
    const late = await exhausted.health({ timeoutMs: 150 });
    held.release();
    expect(late).toMatchObject({ ok: false, error: 'no answer within 150 ms' });

    await healthy.end();
    expect(await healthy.health()).toMatchObject({
      ok: false,
      error: expect.stringContaining('after calling end'),
    });
  });

  it('warns and counts a second pool for the same database, whatever the password', async () => {
    const first = pool();
    const before = duplicatePoolCount();
    const processWarnings: Error[] = [];
    const onWarning = (warning: Error) => processWarnings.push(warning);
    process.on('warning', onWarning);
    try {
      const withPassword = new URL(url);
      withPassword.password = 'another';
      const second = pool({ url: withPassword.toString(), kind: 'worker' });
      const warning = await new Promise<PoolWarning>((resolve) => second.once('warning', resolve));
      expect(warning.code).toBe(WARNING_CODES.duplicate);
      expect(warning.message).toContain(`another pool is already open for 127.0.0.1:5432/${database}`);
      expect(warning.message).toContain('create the pool once at module scope');
      expect(warning.message).not.toContain('another@');
      expect(duplicatePoolCount()).toBe(before + 1);
      await sleep(10);
      expect(processWarnings.map((w) => (w as PoolWarning).code)).toContain(WARNING_CODES.duplicate);

      // Another database is not a duplicate, nor is a pool opened after the first one ended.
      pool({ url: serverUrlFor('postgres') });
      await second.end();
      await first.end();
      pool();
      expect(duplicatePoolCount()).toBe(before + 1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ends after a running statement finishes, and refuses new work', async () => {
    const ending = pool();
    const running = ending.query('select pg_sleep(0.4) as slept');
    await sleep(100);
    const started = performance.now();
    await ending.end();
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    await expect(running).resolves.toMatchObject({ rows: [{ slept: '' }] });
    await expect(ending.query('select 1')).rejects.toThrow('Cannot use a pool after calling end on the pool');
    expect(ending.stats().total).toBe(0);
  });

  it('cancels and closes what still runs past end’s limit, with a warning', async () => {
    const ending = pool({ statementTimeout: 0, queryTimeout: 0 });
    const text = 'select pg_sleep(20) as stuck';
    const running = rejectionOf(ending.query(text));
    await expect.poll(() => sessionsRunning(text)).toBe(1);
    const warning = new Promise<PoolWarning>((resolve) => ending.once('warning', resolve));
    const started = performance.now();
    await ending.end({ timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await warning).code).toBe('LAUNCHDB_POOL_END_TIMEOUT');
    expect(await running).toBeInstanceOf(Error);
    await expect.poll(() => sessionsRunning(text), { timeout: 2_000 }).toBe(0);
  });

  it('refuses the callers still waiting for a connection when it ends, instead of leaving them waiting', async () => {
    const ending = pool({ max: 1, connectTimeout: 30_000 });
    const held = await ending.connect();
    const waiter = rejectionOf(ending.query('select 1'));
    await sleep(20);
    const ended = ending.end({ timeoutMs: 5_000 });
    const started = performance.now();
    expect((await waiter).message).toBe('Cannot use a pool after calling end on the pool');
    expect(performance.now() - started).toBeLessThan(2_000); // not the 30 s connectTimeout
    held.release();
    await ended;
    expect(ending.stats().total).toBe(0);
  });

  it('ends with a callback, as pg.Pool does', async () => {
    const ending = pool();
    await ending.query('select 1');
    await new Promise<void>((resolve) => ending.end(resolve));
    expect(ending.ended).toBe(true);
  });
});
