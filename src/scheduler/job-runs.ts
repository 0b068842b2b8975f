// The scheduler's protocol on `launchdb_control.job_runs`, one statement or one short transaction per
// step, so it works through PgBouncer in transaction pooling mode (no session lock, no LISTEN):
// - claim: insert (project, job, environment, slot); the unique key lets exactly one scheduler in;
// - heartbeat: the claimer renews its lease; a claimer that finds its lease gone stops the job;
// - take over: a run whose lease expired (its claimer died) is claimed again, on database time;
// - finish: the result, exit code and error line, only by the claimer that holds the run.
// Leases are compared with the database's now(), never a machine's clock.
import type { Queryable } from '../stores/postgres/database.js';

export interface JobRunKey {
  project: string;
  job: string;
  environment: string;
  slot: Date;
}

export type JobResult = 'ok' | 'failed' | 'abandoned' | 'missed' | 'skipped';

/** A run this scheduler holds. */
export interface ClaimedRun extends JobRunKey {
  id: number;
  /** 1 for the first claimer; a takeover adds one. */
  attempts: number;
  leaseUntil: Date;
}

export type ClaimOutcome =
  | { claimed: true; run: ClaimedRun }
  /** Another scheduler has the slot (running or done). */
  | { claimed: false; by: string; result: JobResult | null }
  /** The previous slot of the job is still running: this slot is recorded as skipped. */
  | { claimed: false; skipped: true; running: { slot: Date; by: string } };

export interface ClaimOptions {
  /** This scheduler's id (schedulers.id). */
  schedulerId: string;
  leaseMs: number;
}

interface RunRow {
  id: number | string;
  project: string;
  job: string;
  environment: string;
  slot: Date | string;
  attempts: number;
  lease_until: Date | string;
}

type Transactional = Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };

/**
 * Claims `key` for this scheduler: inserted with a lease, or found taken, or skipped because the
 * job's previous slot is still running (runs of one job on one environment never overlap). One
 * transaction: a transaction-scoped lock on the job orders claims of its slots.
 */
export function claimSlot(db: Transactional, key: JobRunKey, options: ClaimOptions): Promise<ClaimOutcome> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `launchdb job ${key.project} ${key.job} ${key.environment}`,
    ]);
    const params = [key.project, key.job, key.environment, key.slot.toISOString()];
    const running = await tx.query<{ slot: Date | string; claimed_by: string }>(
      `select slot, claimed_by from launchdb_control.job_runs
        where project = $1 and job = $2 and environment = $3 and slot < $4
          and finished_at is null and lease_until > now()
        order by slot desc limit 1`,
      params,
    );
    const busy = running.rows[0];
    if (busy) {
      const previous = { slot: new Date(busy.slot), by: busy.claimed_by };
      await tx.query(
        `insert into launchdb_control.job_runs
           (project, job, environment, slot, claimed_by, lease_until, finished_at, result, error)
         values ($1, $2, $3, $4, $5, now(), now(), 'skipped', $6)
         on conflict do nothing`,
        [...params, options.schedulerId, `the run of ${previous.slot.toISOString()} was still going`],
      );
      return { claimed: false, skipped: true, running: previous };
    }
    const inserted = await tx.query<RunRow>(
      `insert into launchdb_control.job_runs
         (project, job, environment, slot, claimed_by, lease_until, started_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::float8 / 1000), now())
       on conflict do nothing
       returning id, project, job, environment, slot, attempts, lease_until`,
      [...params, options.schedulerId, options.leaseMs],
    );
    const row = inserted.rows[0];
    if (row) return { claimed: true, run: runOf(row) };
    const taken = await tx.query<{ claimed_by: string; result: JobResult | null }>(
      `select claimed_by, result from launchdb_control.job_runs
        where project = $1 and job = $2 and environment = $3 and slot = $4`,
      params,
    );
    return {
      claimed: false,
      by: taken.rows[0]?.claimed_by ?? 'another scheduler',
      result: taken.rows[0]?.result ?? null,
    };
  });
}

/** Renews the lease; false when the run is no longer this scheduler's (taken over, or finished). */
export async function heartbeat(db: Queryable, run: ClaimedRun, options: ClaimOptions): Promise<boolean> {
  const { rows } = await db.query<{ lease_until: Date | string }>(
    `update launchdb_control.job_runs
        set heartbeat_at = now(), lease_until = now() + make_interval(secs => $3::float8 / 1000)
      where id = $1 and claimed_by = $2 and finished_at is null
      returning lease_until`,
    [run.id, options.schedulerId, options.leaseMs],
  );
  const renewed = rows[0];
  if (renewed) run.leaseUntil = new Date(renewed.lease_until);
  return renewed !== undefined;
}

export interface RunEnd {
  result: Extract<JobResult, 'ok' | 'failed' | 'abandoned'>;
  exitCode?: number;
  /** One line: why it failed or was abandoned. */
  error?: string;
}

/** Records how the run ended; false when it was no longer this scheduler's to finish. */
export async function finishRun(
  db: Queryable,
  run: ClaimedRun,
  schedulerId: string,
  end: RunEnd,
): Promise<boolean> {
  const { rows } = await db.query(
    `update launchdb_control.job_runs
        set finished_at = now(), result = $3, exit_code = $4, error = $5
      where id = $1 and claimed_by = $2 and finished_at is null
      returning id`,
    [run.id, schedulerId, end.result, end.exitCode ?? null, end.error ?? null],
  );
  return rows.length > 0;
}

export interface TakeOverOptions extends ClaimOptions {
  project: string;
  /** The jobs this scheduler runs: only their runs are taken over. */
  jobs: readonly { job: string; environment: string }[];
  /** A run whose claimers died this many times is abandoned rather than started again. */
  maxAttempts: number;
}

export type TakeOver =
  | { takenOver: true; run: ClaimedRun; from: string }
  | { takenOver: false; abandoned: JobRunKey & { attempts: number; from: string } };

/**
 * Takes over one run whose lease expired (its claimer died or lost the database), oldest slot
 * first; undefined when there is none. `for update skip locked`: two schedulers never take the same.
 */
export async function takeOverExpired(
  db: Queryable,
  options: TakeOverOptions,
): Promise<TakeOver | undefined> {
  const { rows } = await db.query<RunRow & { previous: string; result: JobResult | null }>(
    `with expired as (
       select id, claimed_by from launchdb_control.job_runs
        where project = $1 and finished_at is null and lease_until < now()
          and (job, environment) in (select * from unnest($2::text[], $3::text[]))
        order by slot limit 1
        for update skip locked
     )
     update launchdb_control.job_runs runs
        set claimed_by = case when runs.attempts < $6 then $4 else runs.claimed_by end,
            attempts = case when runs.attempts < $6 then runs.attempts + 1 else runs.attempts end,
            heartbeat_at = now(),
            lease_until = now() + make_interval(secs => $5::float8 / 1000),
            started_at = case when runs.attempts < $6 then now() else runs.started_at end,
            finished_at = case when runs.attempts < $6 then null else now() end,
            result = case when runs.attempts < $6 then null else 'abandoned' end,
            error = case when runs.attempts < $6 then null
                    else 'abandoned after ' || runs.attempts || ' claimers stopped without finishing it' end
       from expired
      where runs.id = expired.id
      returning runs.id, runs.project, runs.job, runs.environment, runs.slot, runs.attempts,
                runs.lease_until, runs.result, expired.claimed_by as previous`,
    [
      options.project,
      options.jobs.map((job) => job.job),
      options.jobs.map((job) => job.environment),
      options.schedulerId,
      options.leaseMs,
      options.maxAttempts,
    ],
  );
  const row = rows[0];
  if (!row) return undefined;
  const run = runOf(row);
  if (row.result === 'abandoned') {
    const { id: _id, leaseUntil: _lease, ...key } = run;
    return { takenOver: false, abandoned: { ...key, from: row.previous } };
  }
  return { takenOver: true, run, from: row.previous };
}

/**
 * Records `slots` of one job on one environment as missed (no scheduler ran them: all were down); a
 * slot another scheduler recorded or ran meanwhile is left as it is. Returns how many were recorded.
 */
export async function recordMissed(
  db: Queryable,
  job: Omit<JobRunKey, 'slot'>,
  slots: readonly Date[],
  schedulerId: string,
  reason: string,
): Promise<number> {
  if (slots.length === 0) return 0;
  const { rows } = await db.query(
    `insert into launchdb_control.job_runs
       (project, job, environment, slot, claimed_by, lease_until, finished_at, result, error)
     select $1, $2, $3, slot, $4, now(), now(), 'missed', $5
       from unnest($6::timestamptz[]) as slot
     on conflict do nothing
     returning id`,
    [job.project, job.job, job.environment, schedulerId, reason, slots.map((slot) => slot.toISOString())],
  );
  return rows.length;
}

/** The newest slot recorded for the job on the environment, by any scheduler; undefined for none. */
export async function newestRecordedSlot(
  db: Queryable,
  key: Omit<JobRunKey, 'slot'>,
): Promise<Date | undefined> {
  const { rows } = await db.query<{ slot: Date | string | null }>(
    `select max(slot) as slot from launchdb_control.job_runs
      where project = $1 and job = $2 and environment = $3`,
    [key.project, key.job, key.environment],
  );
  const slot = rows[0]?.slot;
  return slot ? new Date(slot) : undefined;
}

function runOf(row: RunRow): ClaimedRun {
  return {
    id: Number(row.id),
    project: row.project,
    job: row.job,
    environment: row.environment,
    slot: new Date(row.slot),
    attempts: row.attempts,
    leaseUntil: new Date(row.lease_until),
  };
}
