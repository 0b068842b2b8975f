// A scheduled job's slots: the instants its cron names in its time zone. Every scheduler computes the
// same slots from the same config, so a slot is a key they can all claim by.
import { Cron } from 'croner';
import type { CatchUpPolicy, LaunchdbConfig, ScheduledJobConfig } from '../core/config/types.js';
import { JOB_KINDS, type JobKind } from './job-kinds.js';

export interface ScheduledJob {
  kind: JobKind;
  env: string;
  cron: string;
  timezone: string;
  catchUp: CatchUpPolicy;
  /** The longest one run may take, in ms. */
  timeoutMs: number;
  /** `backup on production`, for logs and messages. */
  label: string;
}

const DEFAULT_TIMEOUT_MS = 6 * 3_600_000;
/** Slots are listed at most this many at a time: a one-second cron down for a day has 86,400. */
export const MAX_LISTED_SLOTS = 1000;

/** The jobs the config declares, in declaration order. */
export function scheduledJobs(config: LaunchdbConfig): ScheduledJob[] {
  const scheduler = config.scheduler;
  return (scheduler?.jobs ?? []).map((job: ScheduledJobConfig) => ({
    kind: JOB_KINDS[job.job],
    env: job.env,
    cron: job.cron,
    timezone: job.timezone ?? scheduler?.timezone ?? 'UTC',
    catchUp: job.catchUp ?? 'latest',
    timeoutMs: job.timeout ?? DEFAULT_TIMEOUT_MS,
    label: `${job.job} on ${job.env}`,
  }));
}

function cronOf(job: Pick<ScheduledJob, 'cron' | 'timezone'>): Cron {
  return new Cron(job.cron, { paused: true, timezone: job.timezone });
}

/** The first slot strictly after `after`, or undefined when the cron names no more. */
export function nextSlot(job: Pick<ScheduledJob, 'cron' | 'timezone'>, after: Date): Date | undefined {
  return cronOf(job).nextRun(after) ?? undefined;
}

/** The newest slot at or before `at`, or undefined when the cron names none before it. */
export function latestSlot(job: Pick<ScheduledJob, 'cron' | 'timezone'>, at: Date): Date | undefined {
  return slotsBetween(job, new Date(0), at, { newest: 1 })[0];
}

/**
 * The slots in (`after`, `until`], oldest first: the newest `newest` of them (default and at most
 * MAX_LISTED_SLOTS), so a long outage of a frequent job lists what matters without walking it all.
 */
export function slotsBetween(
  job: Pick<ScheduledJob, 'cron' | 'timezone'>,
  after: Date,
  until: Date,
  options: { newest?: number } = {},
): Date[] {
  const count = Math.min(options.newest ?? MAX_LISTED_SLOTS, MAX_LISTED_SLOTS);
  // previousRuns excludes its reference itself: a millisecond later includes a slot at `until`.
  const newestFirst = cronOf(job).previousRuns(count, new Date(until.getTime() + 1));
  return newestFirst.filter((slot) => slot.getTime() > after.getTime()).reverse();
}
