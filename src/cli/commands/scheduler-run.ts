// `launchdb scheduler run`: the long-running scheduler of the config's jobs, in the foreground, a log
// line per event. The first SIGTERM or Ctrl-C stops claiming and lets running jobs finish within
// scheduler.grace; a second stops them at once. Either way it exits 0 with every run recorded.
import { resolve } from 'node:path';
import { SCHEDULED_JOBS } from '../../core/config/types.js';
import { describeDuration } from '../../core/duration.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { suggest } from '../../core/suggest.js';
import { type ControlAccess, openControlAccess } from '../../scheduler/control-access.js';
import { leaseMsOf } from '../../scheduler/lease.js';
import { runScheduler } from '../../scheduler/run-scheduler.js';
import { slotText } from '../../scheduler/slot-text.js';
import { nextSlot, type ScheduledJob, scheduledJobs } from '../../scheduler/slots.js';
import { integerFlag, stringFlag } from '../args.js';
import { confirmName } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

const DEFAULT_GRACE_MS = 60_000;
const EXAMPLE_JOB = "{ job: 'backup', env: 'production', cron: '0 3 * * *' }";

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const jobs = chosenJobs(project, input);
  const confirmed = await confirmedEnvironments(project, jobs, input, io);
  const controlUrl = stringFlag(input, 'control-url');
  const connectTimeoutMs = integerFlag(input, 'connect-timeout');
  const control = await openControlAccess(project, {
    ...(controlUrl ? { url: controlUrl } : {}),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  const leaseMs = leaseMsOf(project.config);
  const graceMs = project.config.scheduler?.grace ?? DEFAULT_GRACE_MS;
  const log = (line: string) => io.out(`${new Date().toISOString()} ${line}\n`);
  printTarget(project, jobs, control, { leaseMs, graceMs }, io);

  const stop = new AbortController();
  const stopNow = new AbortController();
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignal === undefined) {
      firstSignal = signal;
      log(
        `${signal}: stopping; no new runs, running jobs get up to ${describeDuration(graceMs)} to finish (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again stops them at once)`,
      );
      stop.abort(`the scheduler was stopped (${signal})`);
      return;
    }
    log(`${signal} again: stopping running jobs now`);
    stopNow.abort(`the scheduler was stopped at once (${firstSignal}, then ${signal})`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await runScheduler({
      project: project.name,
      jobs,
      control,
      leaseMs,
      graceMs,
      run: {
        cwd: io.cwd,
        extraArgv: passedOn(input, io),
        // `check` records its verdict where this scheduler records its runs.
        childEnv: controlUrl ? { LAUNCHDB_CONTROL_URL: controlUrl } : {},
        confirmed,
      },
      log,
      stop: stop.signal,
      stopNow: stopNow.signal,
    });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await control.close();
  }
  return 0;
}

/** The config's jobs after --env and --job; none is bad input with the config to add. */
function chosenJobs(project: Project, input: CommandInput): ScheduledJob[] {
  const env = stringFlag(input, 'env');
  const jobName = stringFlag(input, 'job');
  if (env !== undefined) project.environment(env); // an undeclared one is named, with a guess
  if (jobName !== undefined && !(SCHEDULED_JOBS as readonly string[]).includes(jobName)) {
    const guess = suggest(jobName, SCHEDULED_JOBS);
    throw new UsageError(`unknown job "${jobName}"; the scheduler runs ${SCHEDULED_JOBS.join(', ')}`, {
      fix: guess ? `did you mean --job ${guess}?` : 'see docs/SCHEDULER.md for what each job does',
    });
  }
  const declared = scheduledJobs(project.config);
  if (declared.length === 0) {
    throw new UsageError('no jobs to run: scheduler.jobs is not in the config', {
      fix: `add scheduler: { jobs: [${EXAMPLE_JOB}] } to ${configName(project)}; see docs/SCHEDULER.md`,
    });
  }
  const chosen = declared.filter(
    (job) => (env === undefined || job.env === env) && (jobName === undefined || job.kind.name === jobName),
  );
  if (chosen.length === 0) {
    const filters = [env && `--env ${env}`, jobName && `--job ${jobName}`].filter(Boolean).join(' ');
    const example = `{ job: '${jobName ?? 'backup'}', env: '${env ?? 'production'}', cron: '0 3 * * *' }`;
    throw new UsageError(
      `no jobs to run for ${filters}: scheduler.jobs declares ${declared.map((job) => job.label).join(', ')}`,
      { fix: `add ${example} to scheduler.jobs in ${configName(project)}, or start without ${filters}` },
    );
  }
  return chosen;
}

/**
 * The guarded environments that jobs which change them (prune, smoke) may run on: each confirmed by
 * --confirm NAME[,NAME] or typed at the terminal, before anything runs.
 */
async function confirmedEnvironments(
  project: Project,
  jobs: readonly ScheduledJob[],
  input: CommandInput,
  io: Io,
): Promise<Set<string>> {
  const listed = new Set(
    (stringFlag(input, 'confirm') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  const confirmed = new Set<string>();
  for (const job of jobs) {
    if (confirmed.has(job.env) || !job.kind.asksToConfirm || !project.environment(job.env).guarded) continue;
    const given = listed.has(job.env) ? job.env : undefined;
    await confirmName({ positionals: [], flags: { confirm: given } }, io, {
      name: job.env,
      what: `guarded environment ${job.env} (scheduled job ${job.kind.name}: ${job.kind.does}, at every slot)`,
    });
    confirmed.add(job.env);
  }
  // A confirmed environment is passed on to every job there: harmless where nothing asks.
  for (const name of listed) if (jobs.some((job) => job.env === name)) confirmed.add(name);
  return confirmed;
}

/** What every job's command is given besides its own flags: the same config file. */
function passedOn(input: CommandInput, io: Io): string[] {
  const config = stringFlag(input, 'config');
  const timeout = integerFlag(input, 'connect-timeout');
  return [
    ...(config ? ['--config', resolve(io.cwd, config)] : []),
    ...(timeout === undefined ? [] : ['--connect-timeout', String(timeout)]),
  ];
}

function printTarget(
  project: Project,
  jobs: readonly ScheduledJob[],
  control: ControlAccess,
  times: { leaseMs: number; graceMs: number },
  io: Io,
): void {
  const now = new Date();
  const rows = jobs.map((job) => [
    job.kind.name,
    job.env,
    job.cron,
    ((next) => (next ? slotText(next, job.timezone) : 'none'))(nextSlot(job, now)),
  ]);
  io.out(
    `${io.style('bold', 'scheduler:')} project ${project.name}, control database ${control.location} (${control.backing}), lease ${describeDuration(times.leaseMs)}, grace ${describeDuration(times.graceMs)}\n`,
  );
  io.out(`${renderTable(rows, { header: ['JOB', 'ENV', 'CRON', 'NEXT SLOT (TIME ZONE)'], indent: '  ' })}\n`);
  io.out(
    `stop with Ctrl-C or SIGTERM (running jobs get up to ${describeDuration(times.graceMs)} to finish); a second Ctrl-C stops them at once\n`,
  );
}

function configName(project: Project): string {
  return project.file.split('/').pop() ?? 'the config';
}
