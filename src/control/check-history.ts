// The verdict history of one environment, newest first, with the checks whose status changed since
// the run before each one.
import type { PostgresDatabase } from '../stores/postgres/database.js';
import type { CheckRunCheck } from './check-run.js';

export interface HistoryRun {
  startedAt: string;
  verdict: string;
  durationMs: number;
  actor: string;
  launchdbVersion: string;
  counts: Record<'pass' | 'warn' | 'fail' | 'skip' | 'error', number>;
  /** Checks in both this run and the one before it whose status differs; none for the first run. */
  changed: StatusChange[];
}

export interface StatusChange {
  id: string;
  from: string;
  to: string;
}

export interface HistoryFilter {
  project: string;
  environment: string;
  /** Only runs started at or after this; the run before the first still counts for `changed`. */
  since?: Date;
}

interface Row {
  started_at: Date | string;
  verdict: string;
  duration_ms: number;
  actor: string;
  launchdb_version: string;
  checks: CheckRunCheck[];
  previous: CheckRunCheck[] | null;
}

export async function readCheckHistory(
  db: Pick<PostgresDatabase, 'query'>,
  filter: HistoryFilter,
): Promise<HistoryRun[]> {
  const { rows } = await db.query<Row>(
    `select * from (
       select started_at, verdict, duration_ms, actor, launchdb_version, checks,
              lag(checks) over (order by started_at, id) as previous, id
         from launchdb_control.check_runs
        where project = $1 and environment = $2
     ) runs
     where $3::timestamptz is null or started_at >= $3::timestamptz
     order by started_at desc, id desc`,
    [filter.project, filter.environment, filter.since?.toISOString() ?? null],
  );
  return rows.map((row) => ({
    startedAt: new Date(row.started_at).toISOString(),
    verdict: row.verdict,
    durationMs: row.duration_ms,
    actor: row.actor,
    launchdbVersion: row.launchdb_version,
    counts: countsOf(row.checks),
    changed: row.previous ? changesBetween(row.previous, row.checks) : [],
  }));
}

function countsOf(checks: readonly CheckRunCheck[]): HistoryRun['counts'] {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of checks) if (check.status in counts) counts[check.status as keyof typeof counts]++;
  return counts;
}

/** A check only one of the runs had (`--only`, a newer launchdb) is not a change of status. */
export function changesBetween(
  before: readonly CheckRunCheck[],
  after: readonly CheckRunCheck[],
): StatusChange[] {
  const earlier = new Map(before.map((check) => [check.id, check.status]));
  return after.flatMap((check) => {
    const from = earlier.get(check.id);
    return from !== undefined && from !== check.status ? [{ id: check.id, from, to: check.status }] : [];
  });
}
