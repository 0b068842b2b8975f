// What the control database knows about some jobs, read in two queries for `scheduler status` and
// the `<area>.<job>-ran` checks: each job's recent runs (the newest slots, the claims not finished,
// the newest success) and the schedulers that registered, live or stale by their heartbeat.
import type { Queryable } from '../stores/postgres/database.js';
import type { JobResult } from './job-runs.js';

/** One row of `launchdb_control.job_runs`. */
export interface JobRun {
  job: string;
  environment: string;
  slot: Date;
  /** The scheduler's id (host:pid:random) that holds or held the run. */
  claimedBy: string;
  leaseUntil: Date;
  heartbeatAt: Date;
  /** Null for a slot recorded as missed or skipped: it never started. */
  startedAt: Date | null;
  /** Null while it runs (or its claimer died and nobody took it over yet). */
  finishedAt: Date | null;
  result: JobResult | null;
  error: string | null;
  exitCode: number | null;
  attempts: number;
}

export type SchedulerState = 'live' | 'stale' | 'stopped';

/** One row of `launchdb_control.schedulers`. */
export interface SchedulerProcess {
  id: string;
  host: string;
  pid: number;
  launchdbVersion: string;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  /** live: beat within a few leases; stale: stopped beating without stopping (killed, or cut off). */
  state: SchedulerState;
  /** The jobs it runs, as `job env`. */
  jobs: string[];
}

export interface JobRunsSnapshot {
  /** The runs of every asked job, newest slot first. */
  runs: JobRun[];
  /** Live and stale schedulers, and those stopped within the last day; newest heartbeat first. */
  schedulers: SchedulerProcess[];
}

/** How many of each job's newest slots are read: the due one, the one before, and one for context. */
const NEWEST_SLOTS = 3;
/** A scheduler that has not beaten for this many leases is stale (it heartbeats every third of one). */
const LIVE_LEASES = 3;

interface RunRow {
  job: string;
  environment: string;
  slot: Date | string;
  claimed_by: string;
  lease_until: Date | string;
  heartbeat_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  result: JobResult | null;
  error: string | null;
  exit_code: number | null;
  attempts: number;
}

interface SchedulerRow {
  id: string;
  host: string;
  pid: number;
  launchdb_version: string;
  started_at: Date | string;
  heartbeat_at: Date | string;
  stopped_at: Date | string | null;
  state: SchedulerState;
  jobs: unknown;
}

/** The recent runs of `jobs` and the project's schedulers. */
export async function readJobRuns(
  db: Queryable,
  project: string,
  jobs: readonly { job: string; environment: string }[],
  options: { leaseMs: number },
): Promise<JobRunsSnapshot> {
  const [runs, schedulers] = await Promise.all([
    readRuns(db, project, jobs),
    readSchedulers(db, project, options.leaseMs),
  ]);
  return { runs, schedulers };
}

async function readRuns(
  db: Queryable,
  project: string,
  jobs: readonly { job: string; environment: string }[],
): Promise<JobRun[]> {
  if (jobs.length === 0) return [];
  // One query for all jobs: per job its newest slots, every unfinished claim (a stalled one may be
  // older) and its newest success; `union` keeps a run that is several of these once.
  const { rows } = await db.query<RunRow>(
    `with asked as (select * from unnest($2::text[], $3::text[]) as asked(job, environment)),
     picked as (
       select newest.id from asked cross join lateral (
         select id from launchdb_control.job_runs runs
          where runs.project = $1 and runs.job = asked.job and runs.environment = asked.environment
          order by slot desc limit $4) newest
       union
       select ok.id from asked cross join lateral (
         select id from launchdb_control.job_runs runs
          where runs.project = $1 and runs.job = asked.job and runs.environment = asked.environment
            and runs.result = 'ok'
          order by slot desc limit 1) ok
       union
       select runs.id from launchdb_control.job_runs runs join asked using (job, environment)
        where runs.project = $1 and runs.finished_at is null
     )
     select job, environment, slot, claimed_by, lease_until, heartbeat_at, started_at, finished_at,
            result, error, exit_code, attempts
       from launchdb_control.job_runs where id in (select id from picked)
      order by slot desc, job, environment`,
    [project, jobs.map((job) => job.job), jobs.map((job) => job.environment), NEWEST_SLOTS],
  );
  return rows.map((row) => ({
    job: row.job,
    environment: row.environment,
    slot: new Date(row.slot),
    claimedBy: row.claimed_by,
    leaseUntil: new Date(row.lease_until),
    heartbeatAt: new Date(row.heartbeat_at),
    startedAt: dateOrNull(row.started_at),
    finishedAt: dateOrNull(row.finished_at),
    result: row.result,
    error: row.error,
    exitCode: row.exit_code,
    attempts: row.attempts,
  }));
}

async function readSchedulers(db: Queryable, project: string, leaseMs: number): Promise<SchedulerProcess[]> {
  // Live or stale is judged on the database's clock, as leases are.
  const { rows } = await db.query<SchedulerRow>(
    `select id, host, pid, launchdb_version, started_at, heartbeat_at, stopped_at, jobs,
            case when stopped_at is not null then 'stopped'
                 when heartbeat_at > now() - make_interval(secs => $2::float8 / 1000) then 'live'
                 else 'stale' end as state
       from launchdb_control.schedulers
      where project = $1 and (stopped_at is null or stopped_at > now() - interval '1 day')
      order by heartbeat_at desc, id`,
    [project, leaseMs * LIVE_LEASES],
  );
  return rows.map((row) => ({
    id: row.id,
    host: row.host,
    pid: row.pid,
    launchdbVersion: row.launchdb_version,
    startedAt: new Date(row.started_at),
    heartbeatAt: new Date(row.heartbeat_at),
    stoppedAt: dateOrNull(row.stopped_at),
    state: row.state,
    jobs: Array.isArray(row.jobs) ? row.jobs.map(String) : [],
  }));
}

function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
