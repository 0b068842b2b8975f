// The `<area>.<job>-ran` checks (`backups.schedule-ran`, `backups.drill-ran`, …): one per job declared
// on the environment, passing when the job's last due slot ran and succeeded. They read the control
// database once between them, lazily: an environment with no scheduled jobs has none of these
// checks, and `check` then never opens the control database for them.

import { controlNotCreatedYet, resolveControlTarget } from '../control/control-target.js';
import type { SharedControl } from '../control/shared-control.js';
import type { Area, Check, CheckOutcome } from '../core/checks/check.js';
import { firstLine, isLaunchdbError } from '../core/errors.js';
import type { Environment, Project } from '../core/project.js';
import { launchdbCommand } from '../core/shell-quote.js';
import { formatDuration } from '../stores/postgres/checks/connection-activity.js';
import { type JobHealth, jobHealth } from './job-health.js';
import { JOB_KINDS } from './job-kinds.js';
import { leaseMsOf } from './lease.js';
import { type JobRunsSnapshot, readJobRuns, type SchedulerProcess } from './read-job-runs.js';
import { type ScheduledJob, scheduledJobs } from './slots.js';

/** What these checks read of the check's context. */
export interface JobRanContext {
  env: Environment;
  now: Date;
}

/** Jobs are declared on `env` (of the areas `only` names, if given): their checks need the control database. */
export function hasScheduledJobs(project: Project, env: Environment, only?: readonly Area[]): boolean {
  return scheduledJobs(project.config).some(
    (job) => job.env === env.name && (only === undefined || only.includes(job.kind.area)),
  );
}

/** The checks of the jobs declared on `env`, in the job kinds' order (stable, whatever the config's). */
export function jobRanChecks(
  project: Project,
  env: Environment,
  control: SharedControl,
): Check<JobRanContext>[] {
  const order = Object.keys(JOB_KINDS);
  const jobs = scheduledJobs(project.config)
    .filter((job) => job.env === env.name)
    .sort((a, b) => order.indexOf(a.kind.name) - order.indexOf(b.kind.name));
  if (jobs.length === 0) return [];
  const leaseMs = leaseMsOf(project.config);
  let reading: Promise<JobRunsSnapshot> | undefined;
  const snapshot = () => {
    reading ??= readSnapshot(project, control, jobs, leaseMs);
    return reading;
  };
  return jobs.map((job) => jobRanCheck(job, snapshot, leaseMs));
}

async function readSnapshot(
  project: Project,
  control: SharedControl,
  jobs: readonly ScheduledJob[],
  leaseMs: number,
): Promise<JobRunsSnapshot> {
  const target = resolveControlTarget(project);
  // An embedded control database not created yet has no runs: said without creating it.
  if (controlNotCreatedYet(target)) return { runs: [], schedulers: [] };
  const { db } = await control.open();
  try {
    const asked = jobs.map((job) => ({ job: job.kind.name, environment: job.env }));
    return await readJobRuns(db, project.name, asked, { leaseMs });
  } finally {
    // One process holds an embedded control database at a time: let go at once, so a scheduler
    // between its steps is not kept waiting for the rest of the check (its recorder writes a file).
    if (target.backing === 'embedded') await control.close();
  }
}

function jobRanCheck(
  job: ScheduledJob,
  snapshot: () => Promise<JobRunsSnapshot>,
  leaseMs: number,
): Check<JobRanContext> {
  return {
    id: job.kind.checkId,
    area: job.kind.area,
    title: `the scheduled ${job.kind.name} job ran its last slot and it succeeded`,
    severity: 'fail',
    async run(ctx) {
      let read: JobRunsSnapshot;
      try {
        read = await snapshot();
      } catch (error) {
        return {
          status: 'error',
          summary: `the scheduler's runs could not be read: ${firstLine(error)}`,
          fix:
            (isLaunchdbError(error) ? error.fix : undefined) ??
            'check control.url / LAUNCHDB_CONTROL_URL (docs/CONTROL.md)',
        };
      }
      const health = jobHealth(job, read.runs, ctx.now, { leaseMs, schedulers: read.schedulers });
      return outcomeOf(job, health, read.schedulers, ctx);
    },
  };
}

function outcomeOf(
  job: ScheduledJob,
  health: JobHealth,
  schedulers: readonly SchedulerProcess[],
  ctx: JobRanContext,
): CheckOutcome {
  const details = {
    job: job.kind.name,
    environment: job.env,
    cron: job.cron,
    timezone: job.timezone,
    state: health.state,
    slot: health.slot?.toISOString() ?? null,
    result: health.run?.result ?? null,
    exitCode: health.run?.exitCode ?? null,
    by: health.run?.claimedBy ?? null,
    lastOk: health.lastOk?.slot.toISOString() ?? null,
    next: health.next?.toISOString() ?? null,
    schedulers: schedulers.filter((s) => s.state === 'live').map((s) => s.id),
  };
  const summary = health.summary;
  switch (health.state) {
    case 'ok':
    case 'running':
      return { status: 'pass', summary, details };
    case 'not-due':
      return { status: 'skip', summary, details };
    default: {
      const status = ctx.env.guarded ? 'fail' : 'warn';
      return { status, summary, details, fix: fixOf(job, health, schedulers, ctx.now) };
    }
  }
}

/** What to do: start a scheduler, give the running ones this job, or look at the failed run. */
function fixOf(
  job: ScheduledJob,
  health: JobHealth,
  schedulers: readonly SchedulerProcess[],
  now: Date,
): string {
  const status = `\`launchdb scheduler status --env ${job.env}\``;
  if (health.state === 'problem' && health.run?.result === 'skipped') {
    return `the run before it was still going: give the job a less frequent cron than it takes, or find why it is slow (${status})`;
  }
  if (health.state === 'problem' && health.run?.result !== 'missed') {
    const command = launchdbCommand([...job.kind.argv, '--env', job.env]);
    return `look at the failed run with ${status} and the scheduler's log, or run \`${command}\` to see the whole error`;
  }
  const live = schedulers.filter((s) => s.state === 'live');
  const key = `${job.kind.name} ${job.env}`;
  const running = live.filter((s) => s.jobs.includes(key));
  if (running.length > 0) {
    return `scheduler ${running.map(whereItRuns).join(', ')} runs ${job.label}: look at its log (${status})`;
  }
  if (live.length > 0) {
    return `the running scheduler${live.length === 1 ? '' : 's'} (${live.map(whereItRuns).join(', ')}) do${live.length === 1 ? 'es' : ''} not run ${job.label}: restart with the config that declares it`;
  }
  const stale = schedulers.find((s) => s.state === 'stale');
  const seen = stale
    ? `; the last seen, ${whereItRuns(stale)}, stopped beating ${formatDuration(now.getTime() - stale.heartbeatAt.getTime())} ago`
    : '';
  return `start \`launchdb scheduler run\` as a service (no scheduler is running${seen}); on several machines give each the same control.url`;
}

function whereItRuns(scheduler: SchedulerProcess): string {
  return `${scheduler.host} pid ${scheduler.pid}`;
}
