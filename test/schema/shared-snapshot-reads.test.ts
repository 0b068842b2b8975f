// Reads spread over several sessions of one server database see it at one instant, as one session would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/stores/postgres/database.js';
import { readOnSharedSnapshot } from '../../src/stores/postgres/schema/shared-snapshot-reads.js';
import { until } from '../helpers/cli.js';
import { type FreshDatabase, freshDatabase, serverAvailable } from '../helpers/databases.js';

describe.skipIf(!serverAvailable)('reads on a shared snapshot', () => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase('server');
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('runs on several sessions that all miss a table committed after the first read began', async () => {
    let committed!: () => void;
    const late = new Promise<void>((resolve) => {
      committed = resolve;
    });
    // The two last reads wait for each other: one session cannot run both, so at least two are used.
    let started = 0;
    let bothStarted!: () => void;
    const both = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    /** What one read sees: its session, whether the late table exists, and a setting the setup made. */
    const look = async (session: Queryable) => {
      if (++started === 2) bothStarted();
      await Promise.all([both, late]);
      const { rows } = await session.query<{ pid: number; tables: number; path: string }>(
        `select pg_backend_pid() as pid, current_setting('search_path') as path,
                (select count(*)::int from pg_class where relname = 'late_table') as tables`,
      );
      return rows[0]!;
    };
    const reads = [
      async (session: Queryable) => {
        // The reads start once the snapshot is exported; the table commits while they run.
        await fresh.db.withConnection(async (other) => {
          await other.query('create table late_table (id int)');
        });
        committed();
        const { rows } = await session.query<{ pid: number; tables: number; path: string }>(
          `select pg_backend_pid() as pid, current_setting('search_path') as path,
                  (select count(*)::int from pg_class where relname = 'late_table') as tables`,
        );
        return rows[0]!;
      },
      look,
      look,
    ];
    const seen = await readOnSharedSnapshot(fresh.db, `set local search_path = pg_catalog`, reads, 3);
    expect(seen.map((s) => s.tables)).toEqual([0, 0, 0]);
    expect(seen.map((s) => s.path)).toEqual(['pg_catalog', 'pg_catalog', 'pg_catalog']);
    expect(new Set(seen.map((s) => s.pid)).size).toBeGreaterThan(1);
    const { rows } = await fresh.db.query<{ tables: number }>(
      `select count(*)::int as tables from pg_class where relname = 'late_table'`,
    );
    expect(rows[0]!.tables).toBe(1);
  });

  it('gives the first failure after every read has ended, and leaves no transaction open', async () => {
    const reads = [
      async (session: Queryable) => (await session.query('select 1 as one')).rows,
      async (session: Queryable) => (await session.query('select 1/0')).rows,
      async (session: Queryable) => (await session.query('select 2 as two')).rows,
    ];
    await expect(readOnSharedSnapshot(fresh.db, '', reads, 3)).rejects.toThrow(/division by zero/);
    // Each session ends its transaction as it stops (another may still be doing so just after).
    await until(async () => {
      const { rows } = await fresh.db.query<{ open: number }>(
        `select count(*)::int as open from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
      );
      return rows[0]!.open === 0;
    }, 10_000);
  });
});
