// Scheduled runs written into a control database the way schedulers write them (claimSlot,
// finishRun), for tests of what status and the checks make of them.

import { afterEach } from 'vitest';
import { claimSlot, finishRun, type RunEnd } from '../../src/scheduler/job-runs.js';
import { latestSlot } from '../../src/scheduler/slots.js';
import type { Queryable } from '../../src/stores/postgres/database.js';
import { type TempProject, tempProject } from './project.js';

type Transactional = Parameters<typeof claimSlot>[0];

/**
 * A daily cron whose slot was two hours ago, so its due slot is well past the start window whenever
 * the test runs: `{ cron, due, before }` (the due slot and the one a day before it).
 */
export function cronTwoHoursAgo(now = new Date()): { cron: string; due: Date; before: Date } {
  const at = new Date(now.getTime() - 2 * 3_600_000);
  const cron = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
  const due = latestSlot({ cron, timezone: 'UTC' }, now)!;
  return { cron, due, before: new Date(due.getTime() - 86_400_000) };
}

export interface RecordedRun {
  job: string;
  environment: string;
  slot: Date;
  /** How it ended; none: still running under its lease. */
  end?: RunEnd;
  by?: string;
  leaseMs?: number;
}

/** Claims each run's slot as scheduler `by` (default `web-1:4242:ab`) and finishes it as told, in order. */
export async function recordRuns(db: Transactional, project: string, runs: readonly RecordedRun[]) {
  for (const run of runs) {
    const by = run.by ?? 'web-1:4242:ab';
    const key = { project, job: run.job, environment: run.environment, slot: run.slot };
    const outcome = await claimSlot(db, key, { schedulerId: by, leaseMs: run.leaseMs ?? 30_000 });
    if (!outcome.claimed)
      throw new Error(`could not claim ${run.job} ${run.environment} ${run.slot.toISOString()}`);
    if (run.end) await finishRun(db, outcome.run, by, run.end);
  }
}

/** A scheduler registered as `scheduler run` registers, its last heartbeat `beatMsAgo` ago. */
export async function registerScheduler(
  db: Queryable,
  project: string,
  scheduler: { id: string; host: string; pid: number; jobs: string[]; beatMsAgo: number },
) {
  await db.query(
    `insert into launchdb_control.schedulers (project, id, host, pid, launchdb_version, started_at, heartbeat_at, jobs)
     values ($1, $2, $3, $4, '1.0.0', now() - interval '1 day',
             now() - make_interval(secs => $5::float8 / 1000), $6::jsonb)`,
    [
      project,
      scheduler.id,
      scheduler.host,
      scheduler.pid,
      scheduler.beatMsAgo,
      JSON.stringify(scheduler.jobs),
    ],
  );
}

/** A project with five scheduled jobs on production and staging, all on `cron`. */
export function scheduledConfig(cron: string): string {
  const job = (name: string, env: string) => `{ job: '${name}', env: '${env}', cron: '${cron}' }`;
  return `{
  project: '{project}',
  environments: { production: { postgres: {} }, staging: { postgres: {} } },
  scheduler: { jobs: [${[
    job('backup', 'production'),
    job('drill', 'production'),
    job('verify', 'production'),
    job('check', 'production'),
    job('drill', 'staging'),
  ].join(', ')}] },
}`;
}

/**
 * For a test file: makes temp projects, with `scheduledConfig(cron)` unless given another config,
 * each removed after the test that made it.
 */
export function scheduledProjects(cron: string): (config?: string) => TempProject {
  const made: TempProject[] = [];
  afterEach(() => {
    for (const project of made.splice(0)) project.remove();
  });
  return (config = scheduledConfig(cron)) => {
    const project = tempProject(config);
    made.push(project);
    return project;
  };
}

/**
 * On production: backup ran ok, drill failed, verify ran the day before but its due slot has no run
 * (missed), check runs now with the day before ok; on staging drill failed. One live scheduler that
 * runs all but verify, one stale.
 */
export async function recordMixedRuns(
  db: Transactional,
  project: string,
  slots: { due: Date; before: Date },
): Promise<void> {
  const { due, before } = slots;
  const failed: RunEnd = {
    result: 'failed',
    exitCode: 1,
    error: 'restore of b-20261207 failed: relation "orders" does not exist\n    at restore (stack)',
  };
  await recordRuns(db, project, [
    { job: 'backup', environment: 'production', slot: due, end: { result: 'ok', exitCode: 0 } },
    { job: 'drill', environment: 'production', slot: before, end: { result: 'ok', exitCode: 0 } },
    { job: 'drill', environment: 'production', slot: due, end: failed },
    { job: 'verify', environment: 'production', slot: before, end: { result: 'ok', exitCode: 0 } },
    { job: 'check', environment: 'production', slot: before, end: { result: 'ok', exitCode: 0 } },
    { job: 'check', environment: 'production', slot: due, leaseMs: 600_000, by: 'web-2:77:cd' },
    { job: 'drill', environment: 'staging', slot: due, end: failed },
  ]);
  await registerScheduler(db, project, {
    id: 'web-1:4242:ab',
    host: 'web-1',
    pid: 4242,
    jobs: ['backup production', 'drill production', 'check production', 'drill staging'],
    beatMsAgo: 2000,
  });
  await registerScheduler(db, project, {
    id: 'web-9:99:zz',
    host: 'web-9',
    pid: 99,
    jobs: ['verify production'],
    beatMsAgo: 3_600_000,
  });
}
