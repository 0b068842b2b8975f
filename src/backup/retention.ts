// Which backups a retention policy keeps: grandfather-father-son (daily, weekly, monthly) or an age in
// days. Pure arithmetic over the backups' times, so a calendar of years is tested without waiting.

import type { RetentionPolicy } from '../core/config/types.js';

export type { RetentionPolicy };

export interface Dated {
  id: string;
  /** When its data is from (the snapshot time). */
  at: Date;
}

export interface RetentionVerdict<T extends Dated> {
  keep: { backup: T; reasons: string[] }[];
  remove: T[];
}

/**
 * Splits `backups` into kept and removed. The newest backup is always kept, and so is any in
 * `protectedIds` (a drill is using it). Times are bucketed in UTC.
 */
export function applyRetention<T extends Dated>(
  backups: readonly T[],
  policy: RetentionPolicy,
  now: Date,
  protectedIds: ReadonlySet<string> = new Set(),
): RetentionVerdict<T> {
  const newestFirst = [...backups].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));
  const reasons = new Map<string, string[]>();
  const keepFor = (backup: T, reason: string) => {
    const list = reasons.get(backup.id) ?? [];
    list.push(reason);
    reasons.set(backup.id, list);
  };
  if (newestFirst[0]) keepFor(newestFirst[0], 'newest');
  for (const backup of newestFirst) if (protectedIds.has(backup.id)) keepFor(backup, 'in use by a drill');

  if ('days' in policy) {
    const cutoff = now.getTime() - policy.days * 86_400_000;
    for (const backup of newestFirst)
      if (backup.at.getTime() >= cutoff) keepFor(backup, `younger than ${policy.days} days`);
  } else {
    keepBuckets(newestFirst, policy.daily ?? 0, dayOf, 'daily', keepFor);
    keepBuckets(newestFirst, policy.weekly ?? 0, isoWeekOf, 'weekly', keepFor);
    keepBuckets(newestFirst, policy.monthly ?? 0, monthOf, 'monthly', keepFor);
  }
  return {
    keep: newestFirst
      .filter((b) => reasons.has(b.id))
      .map((backup) => ({ backup, reasons: reasons.get(backup.id)! })),
    remove: newestFirst.filter((b) => !reasons.has(b.id)),
  };
}

/** Keeps the newest backup of each of the `count` most recent periods that have one. */
function keepBuckets<T extends Dated>(
  newestFirst: readonly T[],
  count: number,
  period: (at: Date) => string,
  name: string,
  keepFor: (backup: T, reason: string) => void,
) {
  const seen = new Set<string>();
  for (const backup of newestFirst) {
    if (seen.size >= count) return;
    const bucket = period(backup.at);
    if (seen.has(bucket)) continue;
    seen.add(bucket);
    keepFor(backup, `${name} ${bucket}`);
  }
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** ISO 8601 week, `2026-W48`: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekOf(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** How many days back the policy keeps at least: 7 for `daily: 7`, 28 for `weekly: 4`, … */
export function retainedDays(policy: RetentionPolicy): number {
  if ('days' in policy) return policy.days;
  return Math.max(policy.daily ?? 0, (policy.weekly ?? 0) * 7, (policy.monthly ?? 0) * 30);
}
