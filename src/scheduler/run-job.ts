// One run this scheduler holds, from start to its recorded end: the job's command in a child process
// (job-process.ts), its output in the log under the run's prefix, and its result, exit code and error
// line written to job_runs by the holder only. A run the scheduler lost (taken over) or stopped is
// marked here by the heartbeat and the shutdown, which decide how it is recorded.
import { firstLine } from '../core/errors.js';
import type { ControlAccess } from './control-access.js';
import { type JobEnd, type JobProcess, type PreparedJob, prepareJobProcess } from './job-process.js';
import { type ClaimedRun, finishRun, type RunEnd } from './job-runs.js';
import type { ScheduledJob } from './slots.js';

export interface HeldRun {
  run: ClaimedRun;
  job: ScheduledJob;
  process: JobProcess;
  /** When its lease was last renewed (this machine's clock, for "renewed within a lease?"). */
  renewedAt: number;
  /** Set when the run is no longer this scheduler's: it is stopped and not recorded. */
  lost?: string;
  /** Set when the shutdown stopped it: recorded abandoned with this line. */
  abandoned?: string;
}

export interface RunJobContext {
  control: ControlAccess;
  schedulerId: string;
  leaseMs: number;
  cwd: string;
  /** Added to every command: `--config FILE` when the scheduler was given one. */
  extraArgv: readonly string[];
  /** Added to the command's variables (the actor is set by job-process.ts). */
  childEnv: Record<string, string>;
  /** Guarded environments the scheduler was confirmed for: their commands get `--confirm NAME`. */
  confirmed: ReadonlySet<string>;
  /** The runs held now, by job_runs id: the heartbeat renews them, the shutdown stops them. */
  held: Map<number, HeldRun>;
  log(line: string): void;
}

/** `access-expire staging 2026-12-07T15:00:00.000Z`: what prefixes the run's lines in the log. */
function runPrefix(job: ScheduledJob, run: ClaimedRun): string {
  return `${job.kind.name} ${job.env} ${run.slot.toISOString()}`;
}

/** The command a run of `job` executes (after `launchdb`). */
function jobArgv(job: ScheduledJob, context: Pick<RunJobContext, 'confirmed' | 'extraArgv'>): string[] {
  const confirm = context.confirmed.has(job.env) ? ['--confirm', job.env] : [];
  return [...job.kind.argv, '--env', job.env, ...confirm, ...context.extraArgv];
}

/** A child for the next run of `job`, started and loaded ahead of its slot. */
export function prepareRun(job: ScheduledJob, context: RunJobContext): PreparedJob {
  return prepareJobProcess({ argv: jobArgv(job, context), cwd: context.cwd, env: context.childEnv });
}

/**
 * Starts the run (in `prepared`, else in a child started now), registers it as held, and resolves
 * once its end is recorded (or found not this scheduler's).
 */
export function startRun(
  job: ScheduledJob,
  run: ClaimedRun,
  context: RunJobContext,
  prepared?: PreparedJob,
): Promise<void> {
  const prefix = runPrefix(job, run);
  const slot = run.slot.toISOString();
  const startedAt = performance.now();
  let child: JobProcess;
  try {
    child = (prepared ?? prepareRun(job, context)).start({
      timeoutMs: job.timeoutMs,
      onLine: (line) => context.log(`${prefix} | ${line}`),
    });
  } catch (error) {
    return record(job, run, context, { result: 'failed', error: firstLine(error) }, 0);
  }
  const held: HeldRun = { run, job, process: child, renewedAt: Date.now() };
  context.held.set(run.id, held);
  const attempt = run.attempts > 1 ? `, attempt ${run.attempts}` : '';
  context.log(`started ${job.label}, slot ${slot} (pid ${child.pid}${attempt})`);
  return child.ended.then(
    (end) => {
      context.held.delete(run.id);
      const tookMs = performance.now() - startedAt;
      if (held.lost !== undefined) {
        context.log(`stopped ${job.label}, slot ${slot}: ${held.lost}; not recorded by this scheduler`);
        return;
      }
      return record(job, run, context, endOf(end, held), tookMs);
    },
    (error) => {
      context.held.delete(run.id);
      return record(job, run, context, { result: 'failed', error: firstLine(error) }, 0);
    },
  );
}

function endOf(end: JobEnd, held: HeldRun): RunEnd {
  const exit = end.exitCode === null ? {} : { exitCode: end.exitCode };
  if (held.abandoned !== undefined) return { result: 'abandoned', ...exit, error: held.abandoned };
  if (end.exitCode === 0 && end.stopped === undefined) return { result: 'ok', exitCode: 0 };
  return { result: 'failed', ...exit, error: end.errorLine };
}

/** Writes the end to job_runs, retrying within a lease while the control database cannot be reached. */
async function record(
  job: ScheduledJob,
  run: ClaimedRun,
  context: RunJobContext,
  end: RunEnd,
  tookMs: number,
): Promise<void> {
  const slot = run.slot.toISOString();
  const how =
    end.result === 'ok'
      ? 'ok'
      : `${end.result}${end.exitCode === undefined ? '' : ` (exit ${end.exitCode})`}: ${end.error}`;
  const took = `${(tookMs / 1000).toFixed(1)} s`;
  const deadline = Date.now() + context.leaseMs;
  for (;;) {
    try {
      const ours = await context.control.use((db) => finishRun(db, run, context.schedulerId, end));
      if (ours) context.log(`ran ${job.label}, slot ${slot}, in ${took}: ${how}`);
      else
        context.log(
          `ran ${job.label}, slot ${slot}, in ${took}: ${how}; not recorded: the run is no longer this scheduler's (taken over)`,
        );
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        context.log(`could not record the end of ${job.label}, slot ${slot} (${how}): ${firstLine(error)}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, context.leaseMs / 3)));
    }
  }
}
