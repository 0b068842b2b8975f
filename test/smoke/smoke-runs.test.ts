// launchdb.smoke_runs on both backings: a run recorded from start to finish, the newest run by
// status, runs left `running` (killed), and the time of the last migration that smoke.last-run
// compares with; swept killed runs (their rows deleted, marked failed and cleaned) and the rows of a
// run counted per place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/smoke/run-id.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { ensureHistory, recordSql } from '../../src/stores/postgres/migrate/history.js';
import { findRunRows } from '../../src/stores/postgres/smoke/find-run.js';
import { withRunLock } from '../../src/stores/postgres/smoke/run-lock.js';
import {
  finishSmokeRun,
  lastMigrationAppliedAt,
  lastSmokeRun,
  startSmokeRun,
  unfinishedSmokeRuns,
} from '../../src/stores/postgres/smoke/smoke-runs.js';
import { sweepUnfinishedRuns } from '../../src/stores/postgres/smoke/sweep.js';
import { VERSION } from '../../src/version.js';
import { BACKINGS, type FreshDatabase, freshDatabase, serverAvailable } from '../helpers/databases.js';

const PLACES = [
  { table: 'orders', column: 'reference' },
  { table: 'order_items', column: 'note' },
];
// The items reference their order: deleting the orders first fails until the items are gone.
const SCHEMA = `
create table orders (id int generated always as identity primary key, reference text not null);
create table order_items (id int generated always as identity primary key,
  order_id int not null references orders, note text);`;

const started = (id: string, keepsRows = false) => ({
  id,
  environment: 'staging',
  specFile: 'launchdb.smoke.ts',
  specChecksum: 'sha256:abc',
  records: PLACES,
  keepsRows,
  startedBy: 'ci@shop.dev',
});

describe.each(BACKINGS)('smoke runs on %s Postgres', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let fresh: FreshDatabase;
  let db: PostgresDatabase;

  beforeAll(async () => {
    if (skip) return;
    fresh = await freshDatabase(backing);
    db = fresh.db;
    await db.query(SCHEMA);
  });
  afterAll(async () => fresh?.drop());

  it.skipIf(skip)('records runs from start to finish, and finds the newest by status', async () => {
    expect(await lastSmokeRun(db)).toBeUndefined();
    expect(await unfinishedSmokeRuns(db)).toEqual([]);

    const [first, second] = [newRunId(), newRunId()];
    await startSmokeRun(db, started(first));
    const [running] = await unfinishedSmokeRuns(db);
    expect(running).toMatchObject({
      id: first,
      environment: 'staging',
      status: 'running',
      finishedAt: null,
      specFile: 'launchdb.smoke.ts',
      specChecksum: 'sha256:abc',
      records: PLACES,
      steps: [],
      cleaned: null,
      keepsRows: false,
      startedBy: 'ci@shop.dev',
      note: null,
    });
    const { rows } = await db.query<{ role: string }>('select current_user as role');
    expect(running!.startedAs).toBe(rows[0]!.role);

    const steps = [{ name: 'create an order', kind: 'http', status: 'pass', ms: 12 }];
    await finishSmokeRun(db, first, { status: 'passed', steps, cleaned: true });
    await startSmokeRun(db, started(second, true));
    await finishSmokeRun(db, second, { status: 'failed', steps, cleaned: null, note: 'step 3 failed' });

    expect(await unfinishedSmokeRuns(db)).toEqual([]);
    expect(await lastSmokeRun(db)).toMatchObject({ id: second, status: 'failed', note: 'step 3 failed' });
    const passed = await lastSmokeRun(db, { status: 'passed' });
    expect(passed).toMatchObject({ id: first, status: 'passed', steps, cleaned: true });
    expect(passed!.finishedAt!.getTime()).toBeGreaterThanOrEqual(passed!.startedAt.getTime());

    await expect(
      finishSmokeRun(db, newRunId(), { status: 'passed', steps: [], cleaned: null }),
    ).rejects.toThrow(/was never started/);
    await expect(startSmokeRun(db, started('not-a-run-id'))).rejects.toThrow(/check constraint/);
  });

  it.skipIf(skip)('gives the time of the last applied migration, none before the first', async () => {
    expect(await lastMigrationAppliedAt(db)).toBeUndefined();
    await ensureHistory(db);
    expect(await lastMigrationAppliedAt(db)).toBeUndefined();
    const before = Date.now();
    await db.query(
      recordSql({ version: '20260101000000', name: 'orders', checksum: 'abc' }, VERSION, { durationMs: 5 }),
    );
    const appliedAt = await lastMigrationAppliedAt(db);
    expect(appliedAt).toBeInstanceOf(Date);
    expect(Math.abs(appliedAt!.getTime() - before)).toBeLessThan(60_000);
  });

  it.skipIf(skip)("sweeps a killed run's rows in one go, whatever the order of its places", async () => {
    const [killed, finished, next] = [newRunId(), newRunId(), newRunId()];
    const plant = async (runId: string) => {
      const { rows } = await db.query<{ id: number }>(
        'insert into orders (reference) values ($1) returning id',
        [`order ${runId}`],
      );
      await db.query('insert into order_items (order_id, note) values ($1, $2), ($1, $2)', [
        rows[0]!.id,
        `item of ${runId}`,
      ]);
    };
    await startSmokeRun(db, started(killed));
    await plant(killed);
    await startSmokeRun(db, started(finished, true));
    await plant(finished);
    await finishSmokeRun(db, finished, { status: 'passed', steps: [], cleaned: null });
    expect(await findRunRows(db, PLACES, killed)).toEqual([
      { place: PLACES[0], rows: 1 },
      { place: PLACES[1], rows: 2 },
    ]);

    // The next run starts: the killed one (still `running`) is swept, the finished one is left alone.
    await startSmokeRun(db, started(next));
    const swept = await sweepUnfinishedRuns(db, next);
    expect(swept).toEqual({ runs: [killed], rows: 3, notes: [] });
    expect(await findRunRows(db, PLACES, killed)).toEqual([
      { place: PLACES[0], rows: 0 },
      { place: PLACES[1], rows: 0 },
    ]);
    expect((await findRunRows(db, PLACES, finished)).map((place) => place.rows)).toEqual([1, 2]);
    expect(await unfinishedSmokeRuns(db)).toMatchObject([{ id: next }]);
    const { rows } = await db.query<{ status: string; cleaned: boolean; note: string; finished: boolean }>(
      'select status, cleaned, note, finished_at is not null as finished from launchdb.smoke_runs where id = $1',
      [killed],
    );
    expect(rows[0]).toEqual({
      status: 'failed',
      cleaned: true,
      note: `killed; swept by run ${next}`,
      finished: true,
    });

    // Nothing more to sweep; the run under way is never its own leftover.
    expect(await sweepUnfinishedRuns(db, next)).toEqual({ runs: [], rows: 0, notes: [] });
    await finishSmokeRun(db, next, { status: 'passed', steps: [], cleaned: true });
  });

  it.skipIf(skip || backing !== 'server')(
    'never sweeps a run under way: one whose lock its session still holds',
    async () => {
      const [alive, next] = [newRunId(), newRunId()];
      await startSmokeRun(db, started(alive));
      await db.query('insert into orders (reference) values ($1)', [`order ${alive}`]);
      let swept: Awaited<ReturnType<typeof sweepUnfinishedRuns>> | undefined;
      await withRunLock(db, alive, async () => {
        await startSmokeRun(db, started(next));
        swept = await sweepUnfinishedRuns(db, next);
      });
      expect(swept).toEqual({ runs: [], rows: 0, notes: [] });
      expect((await findRunRows(db, PLACES, alive))[0]!.rows).toBe(1);
      // Once its session let go (as a killed run's does), the next run sweeps it.
      const after = newRunId();
      await startSmokeRun(db, started(after));
      expect((await sweepUnfinishedRuns(db, after)).runs.sort()).toEqual([alive, next].sort());
      await finishSmokeRun(db, after, { status: 'passed', steps: [], cleaned: true });
    },
  );

  it.skipIf(skip)(
    'keeps a run whose rows another table still holds on to recorded as not cleaned',
    async () => {
      await db.query('create table if not exists payments (order_id int references orders)');
      const [killed, next] = [newRunId(), newRunId()];
      const only = [PLACES[0]!];
      await startSmokeRun(db, { ...started(killed), records: only });
      const { rows } = await db.query<{ id: number }>(
        'insert into orders (reference) values ($1) returning id',
        [killed],
      );
      await db.query('insert into payments values ($1)', [rows[0]!.id]);
      const swept = await sweepUnfinishedRuns(db, next);
      expect(swept.runs).toEqual([killed]);
      expect(swept.rows).toBe(0);
      expect(swept.notes[0]).toMatch(
        new RegExp(
          `^${killed}: orders.reference not swept: .*foreign key.*\\(list the referencing table in the spec's records too\\)$`,
        ),
      );
      expect(swept.notes[1]).toBe(`${killed}: 1 row(s) remain`);
      const { rows: run } = await db.query<{ cleaned: boolean; note: string }>(
        'select cleaned, note from launchdb.smoke_runs where id = $1',
        [killed],
      );
      expect(run[0]).toEqual({ cleaned: false, note: `killed; swept by run ${next}; 1 row(s) remain` });
    },
  );

  it.skipIf(skip)('counts rows per place, and says which places this database lacks', async () => {
    const runId = newRunId();
    await db.query('insert into orders (reference) values ($1), ($2)', [`a ${runId}`, `b ${runId}`]);
    expect(
      await findRunRows(
        db,
        [PLACES[0]!, { table: 'shipments', column: 'reference' }, { table: 'Orders', column: 'Reference' }],
        runId,
      ),
    ).toEqual([
      { place: PLACES[0], rows: 2 },
      { place: { table: 'shipments', column: 'reference' }, rows: 0, missing: 'there is no table shipments' },
      // Unquoted names fold to lower case, as in SQL.
      { place: { table: 'Orders', column: 'Reference' }, rows: 2 },
    ]);
  });
});
