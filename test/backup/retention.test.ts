// Retention arithmetic over a simulated calendar: no sleeping, years of backups in a millisecond.
import { describe, expect, it } from 'vitest';
import { applyRetention, isoWeekOf, retainedDays } from '../../src/backup/retention.js';

/** A backup at 03:00 UTC every day from `from` for `days` days (and a second one at 15:00 on Sundays). */
function calendar(from: string, days: number) {
  const backups = [];
  for (let i = 0; i < days; i++) {
    const at = new Date(Date.parse(`${from}T03:00:00Z`) + i * 86_400_000);
    backups.push({ id: `b-${at.toISOString().slice(0, 10)}-03`, at });
    if (at.getUTCDay() === 0) {
      const later = new Date(at.getTime() + 12 * 3_600_000);
      backups.push({ id: `b-${later.toISOString().slice(0, 10)}-15`, at: later });
    }
  }
  return backups;
}

describe('retention', () => {
  const year = calendar('2025-11-01', 390); // to 2026-11-25
  const now = new Date('2026-11-26T00:00:00Z');

  it('keeps 7 daily, 4 weekly and 6 monthly: the newest backup of each period', () => {
    const { keep, remove } = applyRetention(year, { daily: 7, weekly: 4, monthly: 6 }, now);
    const kept = keep.map((entry) => entry.backup.id);
    // The 7 newest days, the Sunday evening backup winning its day.
    expect(kept.slice(0, 7)).toEqual([
      'b-2026-11-25-03',
      'b-2026-11-24-03',
      'b-2026-11-23-03',
      'b-2026-11-22-15',
      'b-2026-11-21-03',
      'b-2026-11-20-03',
      'b-2026-11-19-03',
    ]);
    // Weekly: the newest of each of the 4 newest ISO weeks, 3 of them already kept as daily.
    expect(keep.find((entry) => entry.backup.id === 'b-2026-11-15-15')?.reasons).toEqual(['weekly 2026-W46']);
    // Monthly: the last backup of each of the 6 newest months.
    for (const id of [
      'b-2026-10-31-03',
      'b-2026-09-30-03',
      'b-2026-08-31-03',
      'b-2026-07-31-03',
      'b-2026-06-30-03',
    ]) {
      expect(kept).toContain(id);
    }
    expect(kept).not.toContain('b-2026-05-31-03');
    expect(keep).toHaveLength(7 + 2 + 5);
    expect(remove.length + keep.length).toBe(year.length);
  });

  it('keeps what is younger than N days with { days: N }', () => {
    const { keep } = applyRetention(year, { days: 10 }, now);
    expect(keep.map((entry) => entry.backup.id).at(-1)).toBe('b-2026-11-16-03');
    expect(keep.every((entry) => entry.backup.at.getTime() >= now.getTime() - 10 * 86_400_000)).toBe(true);
  });

  it('never removes the newest backup, nor one a drill is using', () => {
    const old = calendar('2020-01-01', 3);
    const { keep, remove } = applyRetention(old, { days: 7 }, now, new Set(['b-2020-01-01-03']));
    expect(keep.map((entry) => [entry.backup.id, entry.reasons])).toEqual([
      ['b-2020-01-03-03', ['newest']],
      ['b-2020-01-01-03', ['in use by a drill']],
    ]);
    expect(remove.map((backup) => backup.id)).toEqual(['b-2020-01-02-03']);
  });

  it('numbers ISO weeks across a year end', () => {
    expect(isoWeekOf(new Date('2026-12-31T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(new Date('2027-01-03T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(new Date('2027-01-04T12:00:00Z'))).toBe('2027-W01');
    expect(isoWeekOf(new Date('2025-12-29T12:00:00Z'))).toBe('2026-W01');
  });

  it('says how many days a policy keeps at least', () => {
    expect(retainedDays({ daily: 7, weekly: 4, monthly: 6 })).toBe(180);
    expect(retainedDays({ daily: 3 })).toBe(3);
    expect(retainedDays({ days: 14 })).toBe(14);
  });
});
