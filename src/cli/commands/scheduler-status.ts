// `launchdb scheduler status`: each declared job's last run, how its last due slot is judged, its next
// slot and the claims running now; then the schedulers, live or stale. Read from the control database.
import { controlNotCreatedYet, resolveControlTarget } from '../../control/control-target.js';
import { openControlDatabase } from '../../control/open-control.js';
import type { ExitCode } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { type JobHealth, type JobHealthState, jobHealth, tookText } from '../../scheduler/job-health.js';
import { leaseMsOf } from '../../scheduler/lease.js';
import {
  type JobRun,
  type JobRunsSnapshot,
  readJobRuns,
  type SchedulerProcess,
} from '../../scheduler/read-job-runs.js';
import { slotText } from '../../scheduler/slot-text.js';
import { type ScheduledJob, scheduledJobs } from '../../scheduler/slots.js';
import { formatDuration } from '../../stores/postgres/checks/connection-activity.js';
import { integerFlag, stringFlag } from '../args.js';
import type { Io, Style } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const envName = stringFlag(input, 'env');
  // An undeclared environment is bad input naming the declared ones.
  if (envName !== undefined) project.environment(envName);
  const jobs = scheduledJobs(project.config).filter((job) => envName === undefined || job.env === envName);
  const leaseMs = leaseMsOf(project.config);
  if (jobs.length === 0) {
    if (input.flags.json) {
      io.out(
        `${JSON.stringify({ project: project.name, control: null, jobs: [], schedulers: [] }, null, 2)}\n`,
      );
    } else io.out(noJobsText(project, envName));
    return 0;
  }

  const controlUrl = stringFlag(input, 'control-url');
  const where = controlUrl === undefined ? {} : { url: controlUrl };
  const target = resolveControlTarget(project, where);
  let snapshot: JobRunsSnapshot = { runs: [], schedulers: [] };
  // An embedded control database nobody opened yet holds no runs: said so without creating it.
  if (!controlNotCreatedYet(target)) {
    const connectTimeoutMs = integerFlag(input, 'connect-timeout');
    const control = await openControlDatabase(project, {
      ...where,
      command: 'scheduler status',
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    });
    try {
      const asked = jobs.map((job) => ({ job: job.kind.name, environment: job.env }));
      snapshot = await readJobRuns(control.db, project.name, asked, { leaseMs });
    } finally {
      await control.close();
    }
  }
  const now = new Date();
  const options = { leaseMs, schedulers: snapshot.schedulers };
  const judged = jobs.map((job) => ({ job, health: jobHealth(job, snapshot.runs, now, options) }));

  if (input.flags.json) {
    const document = {
      project: project.name,
      control: target.location,
      jobs: judged.map(({ job, health }) => jobDocument(job, health, now)),
      schedulers: snapshot.schedulers.map(schedulerDocument),
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  io.out(
    `scheduler of ${project.name}: ${counted(jobs.length, 'job')}${envName ? ` on ${envName}` : ''}, control database ${target.location}\n\n`,
  );
  io.out(`${jobTable(judged, io.style)}\n`);
  const notes = judged.flatMap(({ job, health }) => jobNotes(job, health, now));
  if (notes.length > 0) io.out(`\n${notes.join('\n')}\n`);
  io.out(`\n${schedulersText(snapshot.schedulers, now, io.style)}`);
  return 0;
}

const STATE_STYLE: Record<JobHealthState, Style | undefined> = {
  ok: 'green',
  running: undefined,
  'not-due': undefined,
  problem: 'red',
  missed: 'red',
  stalled: 'red',
  'never-ran': 'red',
};

function jobTable(judged: readonly { job: ScheduledJob; health: JobHealth }[], style: Io['style']): string {
  const rows = judged.map(({ job, health }) => {
    const last = health.lastRun;
    const state = STATE_STYLE[health.state];
    return [
      job.kind.name,
      job.env,
      `${job.cron} (${job.timezone})`,
      state ? style(state, health.state) : health.state,
      last ? slotText(last.slot, job.timezone) : 'never',
      last?.result ?? '',
      last?.startedAt ? tookText(last) : '',
      last?.claimedBy ?? '',
      health.next ? slotText(health.next, job.timezone) : 'none',
    ];
  });
  return renderTable(rows, {
    header: [
      'JOB',
      'ENV',
      'CRON (TIME ZONE)',
      'STATUS',
      'LAST RUN (SLOT)',
      'RESULT',
      'TOOK',
      'BY',
      'NEXT SLOT',
    ],
  });
}

/** Under the table: why a job is not ok, and every claim running now with its lease. */
function jobNotes(job: ScheduledJob, health: JobHealth, now: Date): string[] {
  const notes = health.state === 'ok' ? [] : [`${job.label}: ${health.summary}`];
  for (const claim of health.running) {
    const beat = formatDuration(Math.max(0, now.getTime() - claim.heartbeatAt.getTime()));
    const lease =
      claim.leaseUntil.getTime() > now.getTime()
        ? `lease until ${slotText(claim.leaseUntil, 'UTC')}`
        : `lease ran out ${formatDuration(now.getTime() - claim.leaseUntil.getTime())} ago, to be taken over`;
    const attempt = claim.attempts > 1 ? `, attempt ${claim.attempts}` : '';
    notes.push(
      `${job.label}: running the slot of ${slotText(claim.slot, job.timezone)} on ${claim.claimedBy}${attempt}, ${lease}, heartbeat ${beat} ago`,
    );
  }
  return notes;
}

function schedulersText(schedulers: readonly SchedulerProcess[], now: Date, style: Io['style']): string {
  if (schedulers.length === 0) {
    return 'schedulers: none has registered; start `launchdb scheduler run` as a service (docs/SCHEDULER.md)\n';
  }
  const live = schedulers.filter((s) => s.state === 'live').length;
  const rows = schedulers.map((s) => [
    s.state === 'live' ? style('green', s.state) : style('yellow', s.state),
    s.host,
    `pid ${s.pid}`,
    `since ${slotText(s.startedAt, 'UTC')}`,
    s.stoppedAt
      ? `stopped ${formatDuration(Math.max(0, now.getTime() - s.stoppedAt.getTime()))} ago`
      : `heartbeat ${formatDuration(Math.max(0, now.getTime() - s.heartbeatAt.getTime()))} ago`,
    `launchdb ${s.launchdbVersion}`,
    s.jobs.join(', '),
  ]);
  return `schedulers: ${live} live of ${schedulers.length}\n${renderTable(rows, { indent: '  ' })}\n`;
}

function jobDocument(job: ScheduledJob, health: JobHealth, now: Date) {
  return {
    job: job.kind.name,
    environment: job.env,
    cron: job.cron,
    timezone: job.timezone,
    does: job.kind.does,
    checkId: job.kind.checkId,
    state: health.state,
    summary: health.summary,
    judgedSlot: health.slot?.toISOString() ?? null,
    lastRun: health.lastRun ? runDocument(health.lastRun) : null,
    lastOk: health.lastOk ? runDocument(health.lastOk) : null,
    nextSlot: health.next?.toISOString() ?? null,
    running: health.running.map((claim) => ({
      slot: claim.slot.toISOString(),
      by: claim.claimedBy,
      startedAt: claim.startedAt?.toISOString() ?? null,
      leaseUntil: claim.leaseUntil.toISOString(),
      leaseLive: claim.leaseUntil.getTime() > now.getTime(),
      heartbeatAt: claim.heartbeatAt.toISOString(),
      attempts: claim.attempts,
    })),
  };
}

function runDocument(run: JobRun) {
  return {
    slot: run.slot.toISOString(),
    result: run.result,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    by: run.claimedBy,
    attempts: run.attempts,
    exitCode: run.exitCode,
    error: run.error,
  };
}

function schedulerDocument(scheduler: SchedulerProcess) {
  return {
    id: scheduler.id,
    host: scheduler.host,
    pid: scheduler.pid,
    state: scheduler.state,
    launchdbVersion: scheduler.launchdbVersion,
    startedAt: scheduler.startedAt.toISOString(),
    heartbeatAt: scheduler.heartbeatAt.toISOString(),
    stoppedAt: scheduler.stoppedAt?.toISOString() ?? null,
    jobs: scheduler.jobs,
  };
}

function noJobsText(project: Project, envName: string | undefined): string {
  const file = project.file.split('/').pop();
  const where = envName ? ` for environment ${envName}` : '';
  const env = envName ?? 'production';
  return [
    `no scheduled jobs declared${where} in ${file}; declare them under scheduler.jobs, e.g.:`,
    '',
    '  scheduler: {',
    '    jobs: [',
    `      { job: 'backup', env: '${env}', cron: '0 3 * * *', timezone: 'Europe/Berlin' },`,
    `      { job: 'drill', env: '${env}', cron: '0 4 * * 0' },`,
    '    ],',
    '  },',
    '',
    'then run `launchdb scheduler run` as a service: docs/SCHEDULER.md',
    '',
  ].join('\n');
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
