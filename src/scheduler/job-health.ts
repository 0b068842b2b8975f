// Whether a scheduled job's last due slot ran, judged from its recorded runs: one answer shared by
// `scheduler status` and the `<area>.<job>-ran` checks. Pure: the runs and the clock are given.
import { firstLine } from '../core/errors.js';
import { formatDuration } from '../stores/postgres/checks/connection-activity.js';
import type { JobRun, SchedulerProcess } from './read-job-runs.js';
import { slotText } from './slot-text.js';
import { latestSlot, MAX_LISTED_SLOTS, nextSlot, type ScheduledJob } from './slots.js';

/**
 * A slot without a run is given this long (or the lease, when longer) to be claimed before it counts
 * as missed: schedulers claim on their next tick, and their clocks differ a little.
 */
export const START_WINDOW_MS = 60_000;

/**
 * - `ok`: the judged slot ran and succeeded.
 * - `problem`: its run failed, was abandoned, skipped (the run before was still going) or recorded
 *   as missed by a scheduler that came back.
 * - `missed`: no run is recorded for it, though the job ran before: no scheduler ran it.
 * - `stalled`: its run stopped beating (its claimer died) and no scheduler took it over.
 * - `never-ran`: no run of the job is recorded at all.
 * - `running`: its first run is going on; nothing finished to judge yet.
 * - `not-due`: no slot has come yet (or only one still within its start window), or none since the
 *   live scheduler that runs it started: a scheduler runs a new job from its first slot after that.
 */
export type JobHealthState = 'ok' | 'problem' | 'missed' | 'stalled' | 'never-ran' | 'running' | 'not-due';

export interface JobHealth {
  state: JobHealthState;
  /** The slot judged: the newest due one, or the one before it while that is starting or running. */
  slot?: Date;
  /** The judged slot's run, when one is recorded. */
  run?: JobRun;
  /** The newest run that ended, whatever its result. */
  lastRun?: JobRun;
  /** The newest run that succeeded. */
  lastOk?: JobRun;
  /** Claims not finished: running, or (lease run out) their claimer stopped and nobody took them over yet. */
  running: JobRun[];
  /** The job's next slot after now, if its cron names one. */
  next?: Date;
  /** One line: what was found, with the slot in the job's time zone. */
  summary: string;
}

export interface JobHealthOptions {
  /** scheduler.lease: how long a claim lasts without a heartbeat. */
  leaseMs: number;
  /** The registered schedulers: a job that never ran is not yet due when a live one took it on after its last slot. */
  schedulers?: readonly SchedulerProcess[];
}

/** Judges `job` from `runs` (any jobs' runs; only its own are read) at `now`. */
export function jobHealth(
  job: ScheduledJob,
  runs: readonly JobRun[],
  now: Date,
  options: JobHealthOptions,
): JobHealth {
  const own = runs
    .filter((run) => run.job === job.kind.name && run.environment === job.env)
    .sort((a, b) => b.slot.getTime() - a.slot.getTime());
  const bySlot = new Map(own.map((run) => [run.slot.getTime(), run]));
  const windowMs = Math.max(START_WINDOW_MS, options.leaseMs);
  const lastRun = own.find((run) => run.finishedAt !== null);
  const lastOk = own.find((run) => run.result === 'ok');
  const running = own.filter((run) => run.finishedAt === null);
  const next = nextSlot(job, now);
  const known = {
    running,
    ...(lastRun ? { lastRun } : {}),
    ...(lastOk ? { lastOk } : {}),
    ...(next ? { next } : {}),
  };
  const at = (slot: Date) => slotText(slot, job.timezone);

  // Newest slot first, back past those still starting (no run yet, within the window) and those
  // running (or whose lease just ran out, to be taken over): the first slot left is the one judged.
  let slot = latestSlot(job, now);
  for (let steps = 0; slot && steps < MAX_LISTED_SLOTS; steps++) {
    const run = bySlot.get(slot.getTime());
    const sinceMs = now.getTime() - slot.getTime();
    if (run?.finishedAt) return { ...known, ...ended(run, at(slot)), slot, run };
    if (run && run.leaseUntil.getTime() <= now.getTime() - windowMs) {
      const quiet = formatDuration(now.getTime() - run.heartbeatAt.getTime());
      return {
        ...known,
        state: 'stalled',
        slot,
        run,
        summary: `the run of the slot of ${at(slot)} stopped without finishing: its claimer ${run.claimedBy} last beat ${quiet} ago and no scheduler took it over`,
      };
    }
    if (!run && sinceMs >= windowMs) {
      if (!lastRun) {
        if (running.length > 0) return { ...known, state: 'running', summary: firstRunning(running, at) };
        // A scheduler runs a new job from the first slot after it starts: earlier ones were nobody's.
        const taker = takenOnAfter(job, slot, options.schedulers ?? []);
        if (taker) {
          return {
            ...known,
            state: 'not-due',
            summary: `no slot due since scheduler ${taker.id} took it on at ${slotText(taker.startedAt, 'UTC')}: the first is ${next ? at(next) : 'none'}`,
          };
        }
        return {
          ...known,
          state: 'never-ran',
          slot,
          summary: `never ran: no run is recorded (its last slot was ${at(slot)})`,
        };
      }
      return {
        ...known,
        state: 'missed',
        slot,
        summary: `the slot of ${at(slot)} has no run: no scheduler ran it${lastOk ? ` (it last succeeded for the slot of ${at(lastOk.slot)})` : ''}`,
      };
    }
    slot = latestSlot(job, new Date(slot.getTime() - 1));
  }
  if (running.length > 0) return { ...known, state: 'running', summary: firstRunning(running, at) };
  return {
    ...known,
    state: 'not-due',
    summary: next ? `no slot due yet: the next is ${at(next)}` : 'no slot due yet',
  };
}

/** The outcome of a slot whose run ended. */
function ended(run: JobRun, slot: string): Pick<JobHealth, 'state' | 'summary'> {
  const by = run.claimedBy;
  if (run.result === 'ok') {
    const took = run.startedAt && run.finishedAt ? `took ${tookText(run)}, ` : '';
    return { state: 'ok', summary: `the slot of ${slot} ran ok: ${took}by ${by}` };
  }
  const why = run.error ? `: ${firstLine(run.error)}` : '';
  const exit = run.exitCode !== null ? ` (exit ${run.exitCode})` : '';
  const what =
    run.result === 'missed'
      ? `was recorded as missed by ${by}`
      : run.result === 'skipped'
        ? `was skipped by ${by}`
        : `${run.result ?? 'ended'}${exit} after ${tookText(run)} on ${by}`;
  return { state: 'problem', summary: `the slot of ${slot} ${what}${why}` };
}

/** How long a run took, start to end; `0 ms` for one that never started. */
export function tookText(run: Pick<JobRun, 'startedAt' | 'finishedAt'>): string {
  if (!run.startedAt || !run.finishedAt) return '0 ms';
  return formatDuration(Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()));
}

/** The first live scheduler that runs `job` and started after `slot`, if any. */
function takenOnAfter(
  job: ScheduledJob,
  slot: Date,
  schedulers: readonly SchedulerProcess[],
): SchedulerProcess | undefined {
  return schedulers
    .filter((s) => s.state === 'live' && s.startedAt > slot && s.jobs.includes(`${job.kind.name} ${job.env}`))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())[0];
}

function firstRunning(running: readonly JobRun[], at: (slot: Date) => string): string {
  const run = running[0]!;
  return `its first run (the slot of ${at(run.slot)}) is running on ${run.claimedBy}`;
}
