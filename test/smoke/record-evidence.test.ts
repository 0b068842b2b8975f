// launchdb's own evidence of a smoke run's database work, on both backings: rows carrying the run id
// written after the run's start (and not an older row with the same text), transaction ids compared
// across a wraparound, the write counters polled until a session's flush, and pg_stat_statements
// where a server loads it (a private cluster) or says why not.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/smoke/run-id.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { databaseEvidence } from '../../src/stores/postgres/smoke/record-evidence.js';
import { markRunStart } from '../../src/stores/postgres/smoke/run-start.js';
import { readTableWrites } from '../../src/stores/postgres/smoke/table-counters.js';
import { writtenSince } from '../../src/stores/postgres/smoke/xid-order.js';
import {
  BACKINGS,
  type FreshDatabase,
  freshDatabase,
  queryAt,
  serverAvailable,
} from '../helpers/databases.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';

const ORDERS = [{ table: 'orders', column: 'reference' }];
const SCHEMA =
  'create table orders (id int generated always as identity primary key, reference text, meta jsonb)';

describe.each(BACKINGS)('database evidence on %s Postgres', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let fresh: FreshDatabase;
  let db: PostgresDatabase;
  /** Writes as the app would: on a server from a session of its own, which then ends (flushing its counts). */
  const appWrites = async (sql: string, params: unknown[] = []) => {
    if (!fresh.url) {
      await db.query(sql, params);
      return;
    }
    await queryAt(fresh.url, sql, params);
  };

  beforeAll(async () => {
    if (skip) return;
    fresh = await freshDatabase(backing);
    db = fresh.db;
    await db.query(SCHEMA);
  });
  afterAll(async () => fresh?.drop());

  it.skipIf(skip)('counts the row written in the run, not an older row carrying the same id', async () => {
    const runId = newRunId();
    await appWrites('insert into orders (reference) values ($1)', [`planted ${runId}`]);
    const marker = await markRunStart(db, ORDERS);
    await appWrites('insert into orders (reference) values ($1)', [`order ${runId}`]);

    const evidence = await databaseEvidence(db, marker, ORDERS, runId);
    expect(evidence.details.rows).toEqual([{ place: 'orders.reference', rows: 2, written: 1 }]);
    expect(evidence.sentences[0]).toBe(
      `orders.reference: 1 row carrying ${runId} written after the run started; 1 more written before it does not count`,
    );
    expect(evidence.details.counters).toMatchObject({
      available: true,
      tables: [{ table: 'orders', expected: 1 }],
    });
    expect(evidence.ok).toBe(true);
  });

  it.skipIf(skip)('is not fooled when only a row written before the run carries the id', async () => {
    const runId = newRunId();
    await appWrites('insert into orders (reference) values ($1)', [runId]);
    const marker = await markRunStart(db, ORDERS);
    await appWrites('insert into orders (reference) values ($1)', ['another order']);

    const evidence = await databaseEvidence(db, marker, ORDERS, runId, { timeoutMs: 500 });
    expect(evidence.ok).toBe(false);
    expect(evidence.sentences).toContain(
      `orders.reference: 1 row carrying ${runId}, all written before the run started: not this run's work`,
    );
    expect(evidence.sentences).toContain(
      'table statistics: not polled: no row written in this run was found to look for',
    );
  });

  it.skipIf(skip)(
    'finds the id inside any column type, and says which places this database lacks',
    async () => {
      const runId = newRunId();
      const places = [
        { table: 'orders', column: 'meta' },
        { table: 'order_items', column: 'reference' },
        { table: 'orders', column: 'missing' },
      ];
      const marker = await markRunStart(db, places);
      await appWrites(`insert into orders (meta) values ($1::text::jsonb)`, [JSON.stringify({ run: runId })]);
      const evidence = await databaseEvidence(db, marker, places, runId);
      expect(evidence.details.rows).toEqual([
        { place: 'orders.meta', rows: 1, written: 1 },
        { place: 'order_items.reference', rows: 0, written: 0, missing: 'there is no table order_items' },
        { place: 'orders.missing', rows: 0, written: 0, missing: 'table orders has no column missing' },
      ]);
      expect(evidence.ok).toBe(true);
      // Neither backing here has pg_stat_statements: said, and not held against the run.
      expect(evidence.sentences.at(-1)).toBe(
        'pg_stat_statements: not used: pg_stat_statements is not installed in this database',
      );
    },
  );

  it.skipIf(skip)('reads only: the marker and the evidence work in read-only transactions', async () => {
    const readOnly = {
      query: <Row>(text: string, params?: readonly unknown[]) =>
        db.transaction(async (tx) => {
          await tx.query('set transaction read only');
          return tx.query<Row>(text, params);
        }),
    };
    const runId = newRunId();
    const marker = await markRunStart(readOnly, ORDERS);
    await appWrites('insert into orders (reference) values ($1)', [runId]);
    const evidence = await databaseEvidence(readOnly, marker, ORDERS, runId);
    expect(evidence.ok, evidence.sentences.join('\n')).toBe(true);
  });

  it.skipIf(skip)(
    'compares transaction ids across a wraparound, within the window since the marker',
    async () => {
      // The marker just before xid 2^32 wraps; the reading snapshot 16 transactions later (epoch 1, xid 10).
      const within = async (xmin: string) => {
        const { rows } = await db.query<{ ok: boolean }>(
          `select ${writtenSince('$1::text::xid', '$2::text', '$3::text')} as ok`,
          [xmin, '4294967290', '4294967306'],
        );
        return rows[0]!.ok;
      };
      expect(await within('4294967290')).toBe(true); // the marker itself: the first id of the run
      expect(await within('4294967295')).toBe(true);
      expect(await within('3')).toBe(true); // after the wrap
      expect(await within('9')).toBe(true);
      expect(await within('10')).toBe(false); // not yet finished when read
      expect(await within('4294967289')).toBe(false); // before the run
      expect(await within('4000000000')).toBe(false);
      expect(await within('2')).toBe(false); // frozen: ids below 3 never ran
      expect(await within('1')).toBe(false);
    },
  );
});

describe.skipIf(!serverAvailable)('the write counters on the server', () => {
  let fresh: FreshDatabase;
  let app: pg.Client;

  beforeAll(async () => {
    fresh = await freshDatabase('server');
    await fresh.db.query(SCHEMA);
    await fresh.db.query('create table visits (id int)');
    app = new pg.Client({ connectionString: fresh.url });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await fresh?.drop();
  });

  it('are polled until a session that stays connected flushes its counts, never read once', async () => {
    const runId = newRunId();
    // The app's session flushes its counts of this write as it goes idle...
    await app.query('insert into visits values (1)');
    const marker = await markRunStart(fresh.db, ORDERS);
    // ...so its write within the next second is held back until its idle timer flushes it.
    const wrote = performance.now();
    await app.query('insert into orders (reference) values ($1)', [runId]);
    const once = await readTableWrites(fresh.db, [
      ...(marker.counters.available ? marker.counters.writes.keys() : []),
    ]);
    const readAfterMs = performance.now() - wrote;

    const evidence = await databaseEvidence(fresh.db, marker, ORDERS, runId, { timeoutMs: 15_000 });
    expect(evidence.ok, evidence.sentences.join('\n')).toBe(true);
    const counters = evidence.details.counters;
    expect(counters).toMatchObject({
      available: true,
      tables: [{ table: 'orders', counted: 1, expected: 1 }],
    });
    expect(evidence.sentences[1]).toMatch(
      /^the server counted 1 row written to orders since the run started \(at least 1 expected; \d+ read\(s\) over \d+\.\d s\)$/,
    );
    if (readAfterMs < 800 && once.available && marker.counters.available) {
      // One read right after the write saw nothing: what a single read would have concluded.
      const [oid] = [...marker.counters.writes.keys()];
      expect(once.writes.get(oid!)).toBe(marker.counters.writes.get(oid!));
      expect(counters.available && counters.polls).toBeGreaterThan(1);
    }
  });
});

const PG_STAT_STATEMENTS = existsSync('/usr/lib/postgresql/15/lib/pg_stat_statements.so');

describe.runIf(serverAvailable && PG_STAT_STATEMENTS)('pg_stat_statements, loaded by the server', () => {
  let cluster: PrivateCluster;
  let reader: PostgresDatabase;
  const sessions: pg.Client[] = [];
  const login = async (user: string) => {
    const url = new URL(cluster.superuserUrl);
    url.username = user;
    url.password = 'smoke-test-password';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    sessions.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await startPrivateCluster({ settings: { shared_preload_libraries: "'pg_stat_statements'" } });
    reader = await openServer(cluster.superuserUrl);
    await reader.query('create extension pg_stat_statements');
    await reader.query(SCHEMA);
    for (const role of ['shop_app', 'someone_else']) {
      await reader.query(`create role ${role} login password 'smoke-test-password'`);
      await reader.query(`grant select, insert on orders to ${role}`);
    }
  }, 90_000);
  afterAll(async () => {
    // Most have ended already; ending one twice only rejects.
    await Promise.all(sessions.map((session) => session.end().catch(() => {})));
    await reader?.close();
    await cluster?.stop();
  });

  it("counts the app role's statements since the run started", async () => {
    const app = await login('shop_app');
    const runId = newRunId();
    const marker = await markRunStart(reader, ORDERS, { appRole: 'shop_app' });
    await app.query('insert into orders (reference) values ($1)', [runId]);
    await app.query('select count(*) from orders where reference = $1', [runId]);
    await app.end(); // its counts are flushed as it ends: no wait for its idle timer
    const evidence = await databaseEvidence(reader, marker, ORDERS, runId);
    expect(evidence.details.statements).toMatchObject({ available: true, roles: 'shop_app' });
    expect(evidence.sentences.at(-1)).toBe(
      'pg_stat_statements: 2 statement(s) by shop_app since the run started',
    );
    expect(evidence.ok).toBe(true);
  });

  it('fails when the rows were written by another role than the app', async () => {
    const other = await login('someone_else');
    const runId = newRunId();
    const marker = await markRunStart(reader, ORDERS, { appRole: 'shop_app' });
    await other.query('insert into orders (reference) values ($1)', [runId]);
    await other.end();
    const evidence = await databaseEvidence(reader, marker, ORDERS, runId);
    expect(evidence.details.rows).toEqual([{ place: 'orders.reference', rows: 1, written: 1 }]);
    expect(evidence.sentences.at(-1)).toBe(
      "pg_stat_statements: no statement by shop_app counted since the run started: the app's work was done as another role",
    );
    expect(evidence.ok).toBe(false);
  });

  it('is not used when launchdb reads as the app role itself', async () => {
    const marker = await markRunStart(reader, ORDERS, { appRole: 'postgres' });
    expect(marker.statements).toEqual({
      available: false,
      reason: 'launchdb reads as the app role postgres itself, so its own statements would count',
    });
  });
});
