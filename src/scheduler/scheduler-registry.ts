// The schedulers themselves, in `launchdb_control.schedulers`: each registers when it starts, beats
// while it runs and says when it stopped cleanly (a killed one just stops beating), so `scheduler
// status` can show who runs and job_runs.claimed_by names a known process.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queryable } from '../stores/postgres/database.js';
import { VERSION } from '../version.js';
import type { ScheduledJob } from './slots.js';

export interface SchedulerIdentity {
  project: string;
  /** `host:pid:random`, unique per process. */
  id: string;
  host: string;
  pid: number;
}

export function newSchedulerIdentity(project: string): SchedulerIdentity {
  const host = hostname();
  return { project, host, pid: process.pid, id: `${host}:${process.pid}:${randomBytes(3).toString('hex')}` };
}

export async function registerScheduler(
  db: Queryable,
  me: SchedulerIdentity,
  jobs: readonly ScheduledJob[],
): Promise<void> {
  await db.query(
    `insert into launchdb_control.schedulers (project, id, host, pid, launchdb_version, jobs)
     values ($1, $2, $3, $4, $5, $6::jsonb)`,
    [
      me.project,
      me.id,
      me.host,
      me.pid,
      VERSION,
      JSON.stringify(jobs.map((job) => `${job.kind.name} ${job.env}`)),
    ],
  );
}

export async function schedulerHeartbeat(db: Queryable, me: SchedulerIdentity): Promise<void> {
  await db.query(
    `update launchdb_control.schedulers set heartbeat_at = now() where project = $1 and id = $2`,
    [me.project, me.id],
  );
}

export async function markSchedulerStopped(db: Queryable, me: SchedulerIdentity): Promise<void> {
  await db.query(
    `update launchdb_control.schedulers set heartbeat_at = now(), stopped_at = now()
      where project = $1 and id = $2`,
    [me.project, me.id],
  );
}
