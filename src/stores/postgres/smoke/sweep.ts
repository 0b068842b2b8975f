// The clean-up of killed smoke runs: a run still `running` when the next one starts never reached its
// `finally` steps. Its rows are deleted from the records places it recorded at its start, as the
// owner, in one transaction with marking it failed: either both happen or neither does.
//
// A run under way holds its run lock (run-lock.ts) on a session of its own; a killed run's session is
// gone, and its lock with it. So a `running` run whose lock can be taken is a killed one, and only
// those are swept: two runs under way at once never sweep each other. (An embedded database served
// by `launchdb serve` shares one session among its clients: there, runs must not overlap.)

import { firstLine } from '../../../core/errors.js';
import type { Connection, PostgresDatabase } from '../database.js';
import { findRunRows } from './find-run.js';
import { carriesRunId, type ResolvedPlace, resolvePlaces } from './record-places.js';
import { RUN_LOCK_CLASS } from './run-lock.js';
import type { SmokeRunRecord } from './smoke-runs.js';

export interface SweepResult {
  /** The runs swept, now `failed` with cleaned = true (when no row remained). */
  runs: string[];
  /** Rows deleted, over all of them. */
  rows: number;
  /** Places a run recorded that this database no longer has, and what else kept rows. */
  notes: string[];
}

/** Postgres' foreign_key_violation: a row another place's rows still reference. */
const FOREIGN_KEY_VIOLATION = '23503';

export async function sweepUnfinishedRuns(
  owner: Pick<PostgresDatabase, 'transaction'>,
  by: string,
): Promise<SweepResult> {
  return owner.transaction(async (tx) => {
    const { rows: table } = await tx.query<{ exists: boolean }>(
      `select to_regclass('launchdb.smoke_runs') is not null as exists`,
    );
    if (!table[0]?.exists) return { runs: [], rows: 0, notes: [] };
    // Rows locked, so two runs starting at once do not sweep the same killed run twice; a run whose
    // lock is held is alive.
    const { rows: running } = await tx.query<{ id: string; records: SmokeRunRecord['records'] | string }>(
      `select id, records from launchdb.smoke_runs where status = 'running' and id <> $1
        order by started_at, id for update skip locked`,
      [by],
    );
    const killed = [];
    for (const run of running) {
      const { rows } = await tx.query<{ free: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext($2)) as free',
        [RUN_LOCK_CLASS, run.id],
      );
      if (rows[0]?.free) killed.push(run);
    }
    const result: SweepResult = { runs: [], rows: 0, notes: [] };
    for (const run of killed) {
      const records = typeof run.records === 'string' ? JSON.parse(run.records) : run.records;
      const places = await resolvePlaces(tx, records);
      for (const place of places) {
        if (place.missing !== undefined)
          result.notes.push(`${run.id}: ${place.label} not swept: ${place.missing}`);
      }
      const { deleted, problems } = await deleteRunRows(
        tx,
        places.filter((place) => place.missing === undefined),
        run.id,
      );
      result.rows += deleted;
      result.notes.push(...problems);
      const remaining = (await findRunRows(tx, records, run.id)).reduce((sum, place) => sum + place.rows, 0);
      if (remaining > 0) result.notes.push(`${run.id}: ${remaining} row(s) remain`);
      await tx.query(
        `update launchdb.smoke_runs set status = 'failed', finished_at = now(), cleaned = $2, note = $3
          where id = $1`,
        [
          run.id,
          remaining === 0,
          `killed; swept by run ${by}${remaining > 0 ? `; ${remaining} row(s) remain` : ''}`,
        ],
      );
      result.runs.push(run.id);
    }
    return result;
  });
}

/**
 * Deletes the run's rows place by place. A place whose rows others still reference (an order and its
 * items, listed order first) is tried again after the rest; rows still referenced by a table that is
 * not a records place stay, and say so (the run is then recorded as not cleaned).
 */
async function deleteRunRows(
  tx: Connection,
  places: ResolvedPlace[],
  runId: string,
): Promise<{ deleted: number; problems: string[] }> {
  let deleted = 0;
  let pending = places;
  while (pending.length > 0) {
    const blocked: { place: ResolvedPlace; error: unknown }[] = [];
    for (const place of pending) {
      await tx.query('savepoint launchdb_smoke_sweep');
      try {
        const { rows } = await tx.query<{ deleted: string | number }>(
          `with gone as (delete from ${place.relation} where ${carriesRunId(place, '$1')} returning 1)
           select count(*)::int8 as deleted from gone`,
          [runId],
        );
        deleted += Number(rows[0]?.deleted ?? 0);
        await tx.query('release savepoint launchdb_smoke_sweep');
      } catch (error) {
        await tx.query('rollback to savepoint launchdb_smoke_sweep');
        if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
        blocked.push({ place, error });
      }
    }
    if (blocked.length === pending.length) {
      const problems = blocked.map(
        ({ place, error }) =>
          `${runId}: ${place.label} not swept: ${firstLine(error)} (list the referencing table in the spec's records too)`,
      );
      return { deleted, problems };
    }
    pending = blocked.map(({ place }) => place);
  }
  return { deleted, problems: [] };
}
