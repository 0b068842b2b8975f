// What a scheduler does with the slots of a job that are due when it looks: normally just the one it
// woke for; after a start or a sleep (every scheduler down, the machine suspended), several. The
// newest runs when it is on time, or when late by the job's `catchUp: latest`; every older one, and
// a late newest one under `catchUp: none`, is recorded as missed. Logged either way.
import { MAX_LISTED_SLOTS, nextSlot, type ScheduledJob, slotsBetween } from './slots.js';

/** A slot this close to now is on time: it runs whatever the catch-up policy. */
export const ON_TIME_MS = 60_000;

/**
 * The slots in (`after`, `now`], oldest first, walked forward from `after`: a step per slot, so the
 * usual one or two cost well under a millisecond (listing backwards from now costs ~100 ms). A long
 * outage gives the newest MAX_LISTED_SLOTS.
 */
export function dueSlots(job: Pick<ScheduledJob, 'cron' | 'timezone'>, after: Date, now: Date): Date[] {
  const due: Date[] = [];
  for (let slot = nextSlot(job, after); slot && slot <= now; slot = nextSlot(job, slot)) {
    if (due.length === MAX_LISTED_SLOTS) return slotsBetween(job, after, now);
    due.push(slot);
  }
  return due;
}

export interface DuePlan {
  /** The slot to claim and run now, if any. */
  run?: Date;
  /** The slot to run is past ON_TIME_MS: it runs because of `catchUp: latest`. */
  caughtUp: boolean;
  /** Slots to record as missed, oldest first. */
  missed: Date[];
}

/** The plan for `due` (oldest first), at `now`. */
export function planDue(job: Pick<ScheduledJob, 'catchUp'>, due: readonly Date[], now: Date): DuePlan {
  const newest = due.at(-1);
  if (!newest) return { caughtUp: false, missed: [] };
  const older = due.slice(0, -1);
  if (now.getTime() - newest.getTime() <= ON_TIME_MS) return { run: newest, caughtUp: false, missed: older };
  if (job.catchUp === 'latest') return { run: newest, caughtUp: true, missed: older };
  return { caughtUp: false, missed: [...due] };
}

/** True when the plan is more than running the one slot woken for: worth a log line. */
export function isBackfill(plan: DuePlan): boolean {
  return plan.missed.length > 0 || plan.caughtUp;
}

/**
 * One line: `backfill of access-expire on staging: 5 slots passed with no scheduler running
 * (2026-… to 2026-…): 4 recorded missed, the latest (2026-…) runs now (catchUp: latest)`.
 */
export function describeBackfill(
  job: Pick<ScheduledJob, 'label' | 'catchUp'>,
  plan: DuePlan,
  recordedMissed: number,
): string {
  const slots = [...plan.missed, ...(plan.run ? [plan.run] : [])].sort((a, b) => a.getTime() - b.getTime());
  const first = slots[0]!.toISOString();
  const last = slots.at(-1)!.toISOString();
  const range = slots.length === 1 ? first : `${first} to ${last}`;
  const others = plan.missed.length - recordedMissed;
  const missed =
    plan.missed.length === 0
      ? ''
      : `${recordedMissed} recorded missed${others > 0 ? ` (${others} already recorded by another scheduler)` : ''}`;
  const run = !plan.run
    ? `none runs (catchUp: ${job.catchUp})`
    : plan.caughtUp
      ? `the latest (${plan.run.toISOString()}) runs now (catchUp: latest)`
      : `the latest (${plan.run.toISOString()}) runs, on time`;
  const count = `${slots.length} slot${slots.length === 1 ? '' : 's'}`;
  return `backfill of ${job.label}: ${count} due since the newest recorded (${range}): ${[missed, run].filter(Boolean).join(', ')}`;
}
