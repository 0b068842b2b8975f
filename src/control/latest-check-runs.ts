// The newest recorded `check` run of each environment, and its newest deploy gate (a run in CI):
// the console's home reads them instead of running the checks again on every page view.
import type { Queryable } from '../stores/postgres/database.js';
import type { CheckRunCheck } from './check-run.js';

export interface LatestCheckRun {
  environment: string;
  verdict: 'ready' | 'not ready';
  startedAt: Date;
  durationMs: number;
  actor: string;
  checks: CheckRunCheck[];
}

/** The newest run of each environment that ran in CI (`via = 'ci'`): its last deploy gate. */
export interface LatestGate {
  verdict: 'ready' | 'not ready';
  startedAt: Date;
  actor: string;
}

export async function latestGates(db: Queryable, project: string): Promise<Map<string, LatestGate>> {
  const { rows } = await db.query<{
    environment: string;
    verdict: 'ready' | 'not ready';
    started_at: Date | string;
    actor: string;
  }>(
    `select distinct on (environment) environment, verdict, started_at, actor
       from launchdb_control.check_runs
      where project = $1 and via = 'ci'
      order by environment, started_at desc, id desc`,
    [project],
  );
  return new Map(
    rows.map((row) => [
      row.environment,
      { verdict: row.verdict, startedAt: new Date(row.started_at), actor: row.actor },
    ]),
  );
}

export async function latestCheckRuns(db: Queryable, project: string): Promise<Map<string, LatestCheckRun>> {
  const { rows } = await db.query<{
    environment: string;
    verdict: 'ready' | 'not ready';
    started_at: Date | string;
    duration_ms: number;
    actor: string;
    checks: CheckRunCheck[];
  }>(
    `select distinct on (environment) environment, verdict, started_at, duration_ms, actor, checks
       from launchdb_control.check_runs
      where project = $1
      order by environment, started_at desc, id desc`,
    [project],
  );
  return new Map(
    rows.map((row) => [
      row.environment,
      {
        environment: row.environment,
        verdict: row.verdict,
        startedAt: new Date(row.started_at),
        durationMs: row.duration_ms,
        actor: row.actor,
        checks: row.checks,
      },
    ]),
  );
}
