// The scheduler's loop: registered in the control database, it sleeps until each job's next slot,
// claims it (exactly one scheduler anywhere gets it), runs it in a child process, renews the leases
// of what it runs, takes over runs whose claimer died, and backfills slots that passed while every
// scheduler was down or this one was asleep. It stops claiming when `stop` is aborted, gives running
// jobs `graceMs` to finish, then stops them; `stopNow` stops them at once. It never prints: each
// line goes to `log`.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeDuration } from '../core/duration.js';
import { firstLine } from '../core/errors.js';
import { describeBackfill, dueSlots, isBackfill, planDue } from './backfill.js';
import type { ControlAccess } from './control-access.js';
import type { PreparedJob } from './job-process.js';
import { claimSlot, heartbeat, newestRecordedSlot, recordMissed, takeOverExpired } from './job-runs.js';
import { type HeldRun, prepareRun, type RunJobContext, startRun } from './run-job.js';
import {
  markSchedulerStopped,
  newSchedulerIdentity,
  registerScheduler,
  schedulerHeartbeat,
} from './scheduler-registry.js';
import { nextSlot, type ScheduledJob } from './slots.js';

/** A run whose claimers died this many times is recorded abandoned instead of started again. */
export const MAX_ATTEMPTS = 3;
/** The longest a job loop sleeps before looking again: a clock change or a suspend is noticed. */
const MAX_SLEEP_MS = 60_000;
/** A job's child is started this long before its slot, so the run begins at the slot. */
const PREPARE_AHEAD_MS = 5_000;

export interface SchedulerOptions {
  project: string;
  /** The jobs this scheduler runs (the config's, after --env and --job). */
  jobs: readonly ScheduledJob[];
  control: ControlAccess;
  leaseMs: number;
  graceMs: number;
  /** Where the commands run, and what they are given besides the job's own flags. */
  run: Pick<RunJobContext, 'cwd' | 'extraArgv' | 'childEnv' | 'confirmed'>;
  log(line: string): void;
  /** No new claims; running jobs get graceMs. Its reason (a string) says why: `the scheduler was stopped (SIGTERM)`. */
  stop: AbortSignal;
  /** Running jobs are stopped at once. Its reason (a string) is their error line. */
  stopNow: AbortSignal;
}

export async function runScheduler(options: SchedulerOptions): Promise<void> {
  const { control, jobs, leaseMs, log } = options;
  const me = newSchedulerIdentity(options.project);
  await control.use((db) => registerScheduler(db, me, jobs));
  log(`scheduler ${me.id} started`);

  const held = new Map<number, HeldRun>();
  const running = new Set<Promise<void>>();
  const context: RunJobContext = { ...options.run, control, schedulerId: me.id, leaseMs, held, log };
  const claimOptions = { schedulerId: me.id, leaseMs };
  // Set once the shutdown stops runs: a run started after that (a claim in flight) stops at once.
  let stopRunsWhy: string | undefined;
  const start = (job: ScheduledJob, run: Parameters<typeof startRun>[1], prepared?: PreparedJob) => {
    const done = startRun(job, run, context, prepared).finally(() => running.delete(done));
    running.add(done);
    const started = held.get(run.id);
    if (started && stopRunsWhy !== undefined) abandon(started, stopRunsWhy);
    return done;
  };
  const abandon = (run: HeldRun, why: string) => {
    if (run.lost !== undefined || run.abandoned !== undefined) return;
    run.abandoned = why;
    run.process.stop(why);
  };

  const stopClaiming = AbortSignal.any([options.stop, options.stopNow]);
  const beating = new AbortController();
  const heartbeats = every(
    () => leaseMs / 3,
    beating.signal,
    () => beat(),
  );
  const takeovers = every(
    () => (leaseMs / 3) * (0.75 + Math.random() / 2),
    stopClaiming,
    () => takeOver(),
  );
  const loops = jobs.map((job) => jobLoop(job));

  async function beat(): Promise<void> {
    try {
      await control.use(async (db) => {
        await schedulerHeartbeat(db, me);
        for (const run of held.values()) {
          if (run.lost !== undefined) continue;
          if (await heartbeat(db, run.run, claimOptions)) run.renewedAt = Date.now();
          else lose(run, 'its lease expired and another scheduler took the run over');
        }
      });
    } catch (error) {
      log(`could not renew the leases: ${firstLine(error)}`);
      // Past its lease, another scheduler may take a run over: this one must not go on beside it.
      for (const run of held.values()) {
        if (Date.now() - run.renewedAt > leaseMs)
          lose(run, 'its lease could not be renewed for a whole lease');
      }
    }
  }

  function lose(run: HeldRun, why: string): void {
    if (run.lost !== undefined) return;
    run.lost = why;
    run.process.stop(`stopped: ${why}`);
    log(`lost ${run.job.label}, slot ${run.run.slot.toISOString()}: ${why}; stopping it`);
  }

  async function takeOver(): Promise<void> {
    const takeOverOptions = {
      ...claimOptions,
      project: options.project,
      jobs: jobs.map((job) => ({ job: job.kind.name, environment: job.env })),
      maxAttempts: MAX_ATTEMPTS,
    };
    try {
      for (;;) {
        if (stopClaiming.aborted) return;
        const outcome = await control.use((db) => takeOverExpired(db, takeOverOptions));
        if (!outcome) return;
        const found = outcome.takenOver ? outcome.run : outcome.abandoned;
        const job = jobs.find((each) => each.kind.name === found.job && each.env === found.environment)!;
        const slot = found.slot.toISOString();
        if (!outcome.takenOver) {
          log(
            `gave up ${job.label}, slot ${slot}: ${outcome.abandoned.attempts} claimers stopped without finishing it; recorded abandoned`,
          );
          continue;
        }
        // Its lease lapsed while this scheduler still runs it (the control database was out of reach).
        if (held.has(outcome.run.id)) continue;
        log(`took over ${slot} of ${job.label} from ${outcome.from} (its lease expired)`);
        start(job, outcome.run);
      }
    } catch (error) {
      log(`could not look for runs to take over: ${firstLine(error)}`);
    }
  }

  async function jobLoop(job: ScheduledJob): Promise<void> {
    const key = { project: options.project, job: job.kind.name, environment: job.env };
    // The newest slot handled: slots after it are due. With no history there is nothing to backfill.
    let cursor: Date = new Date();
    try {
      cursor = (await control.use((db) => newestRecordedSlot(db, key))) ?? cursor;
    } catch (error) {
      log(`could not read the history of ${job.label}; no backfill: ${firstLine(error)}`);
    }
    // A child started ahead of the slot; kept when another scheduler wins the slot.
    let prepared: PreparedJob | undefined;
    // This loop's own run while it goes: the next child is loaded after it, not beside it.
    let ownRun: Promise<void> | undefined;
    try {
      while (!stopClaiming.aborted) {
        const next = nextSlot(job, cursor);
        if (!next) {
          await pause(MAX_SLEEP_MS, stopClaiming);
          continue;
        }
        const wait = next.getTime() - Date.now();
        if (wait > 0) {
          if (wait <= PREPARE_AHEAD_MS && !ownRun) prepared ??= prepareRun(job, context);
          // Wakes to prepare the child (or when its own run ends), then again at the slot.
          const until = wait > PREPARE_AHEAD_MS ? wait - PREPARE_AHEAD_MS : wait;
          await Promise.race([
            pause(Math.min(until, MAX_SLEEP_MS), stopClaiming),
            ...(ownRun ? [ownRun] : []),
          ]);
          continue;
        }
        const now = new Date();
        const due = dueSlots(job, cursor, now);
        cursor = due.at(-1) ?? next;
        const started = await handleDue(job, due, now, prepared);
        if (started) {
          if (started.usedPrepared) prepared = undefined;
          const run = started.run;
          ownRun = run;
          void run.finally(() => {
            if (ownRun === run) ownRun = undefined;
          });
        }
      }
    } finally {
      prepared?.discard();
    }
  }

  /** The run started, if any, and whether it took `prepared`. */
  async function handleDue(
    job: ScheduledJob,
    due: Date[],
    now: Date,
    prepared: PreparedJob | undefined,
  ): Promise<{ run: Promise<void>; usedPrepared: boolean } | undefined> {
    const key = { project: options.project, job: job.kind.name, environment: job.env };
    const plan = planDue(job, due, now);
    try {
      if (isBackfill(plan)) {
        const reason = `no scheduler ran ${job.label} at this slot (all were down)`;
        const recorded = await control.use((db) => recordMissed(db, key, plan.missed, me.id, reason));
        log(describeBackfill(job, plan, recorded));
      }
      if (!plan.run) return undefined;
      const slot = plan.run;
      const outcome = await control.use((db) => claimSlot(db, { ...key, slot }, claimOptions));
      if (outcome.claimed) {
        return { run: start(job, outcome.run, prepared), usedPrepared: prepared !== undefined };
      }
      if ('skipped' in outcome)
        log(
          `skipped ${job.label}, slot ${slot.toISOString()}: the run of ${outcome.running.slot.toISOString()} (${outcome.running.by}) is still going`,
        );
    } catch (error) {
      log(`could not claim ${job.label}, slot ${plan.run?.toISOString() ?? '-'}: ${firstLine(error)}`);
    }
    return undefined;
  }

  await Promise.all(loops);
  await takeovers;
  // Stopping: no more claims. Running jobs finish within the grace, or are stopped.
  const graceWhy = `${reasonOf(options.stop, 'the scheduler was stopped')} and the run was still going after the grace of ${describeDuration(options.graceMs)}`;
  const stopRuns = (why: string) => {
    stopRunsWhy ??= why;
    for (const run of held.values()) abandon(run, why);
  };
  if (options.stopNow.aborted) stopRuns(reasonOf(options.stopNow, 'the scheduler was stopped at once'));
  else if (held.size > 0)
    log(
      `stopping: no new runs; waiting up to ${describeDuration(options.graceMs)} for ${held.size} running job${held.size === 1 ? '' : 's'} to finish`,
    );
  const grace = setTimeout(() => stopRuns(graceWhy), options.graceMs);
  const onStopNow = () => stopRuns(reasonOf(options.stopNow, 'the scheduler was stopped at once'));
  options.stopNow.addEventListener('abort', onStopNow, { once: true });
  try {
    while (running.size > 0) await Promise.all(running);
  } finally {
    clearTimeout(grace);
    options.stopNow.removeEventListener('abort', onStopNow);
    beating.abort();
    await heartbeats;
  }
  try {
    await control.use((db) => markSchedulerStopped(db, me));
  } catch (error) {
    // It just stops beating: status shows it stale rather than stopped.
    log(`could not mark this scheduler stopped in the control database: ${firstLine(error)}`);
  }
  log(`scheduler ${me.id} stopped`);
}

/** Waits `ms`; false when `signal` ended the wait. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Runs `tick` every `periodMs()` until `signal` is aborted. */
async function every(periodMs: () => number, signal: AbortSignal, tick: () => Promise<void>): Promise<void> {
  while (await pause(periodMs(), signal)) await tick();
}

function reasonOf(signal: AbortSignal, fallback: string): string {
  return typeof signal.reason === 'string' ? signal.reason : fallback;
}
