// backups.drill: a restore drill passed within the last 30 days: the backups are proven to restore.
import type { Check } from '../../../core/checks/check.js';
import { type DrillRecord, readDrills } from '../backup/drill-log.js';
import { age, problem } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

const DRILL_MAX_AGE_MS = 30 * 24 * 3_600_000;

export const backupsDrill: Check<PostgresCheckContext> = {
  id: 'backups.drill',
  area: 'backups',
  title: 'a restore drill passed in the last 30 days',
  severity: 'fail',
  async run(ctx) {
    const drills = await readDrills(await ctx.postgres.db());
    const fix = `run \`launchdb backup drill --env ${ctx.env.name}\` (and schedule it monthly)`;
    if (drills.length === 0) {
      return ctx.env.guarded
        ? {
            status: 'fail',
            summary: `no restore drill was ever run for ${ctx.env.name}: nobody knows the backups restore`,
            fix,
          }
        : { status: 'skip', summary: `no restore drill yet; required in guarded environments (production)` };
    }
    // A drill counts only when it restored: one recorded without a time to restore did not.
    const passed = drills.find(
      (drill): drill is DrillRecord & { restoreMs: number } => drill.ok && drill.restoreMs !== null,
    );
    const newest = drills[0]!;
    const ageMs = passed ? ctx.now.getTime() - Date.parse(passed.ranAt) : Number.POSITIVE_INFINITY;
    const details = { newest, lastPassed: passed ?? null };
    if (!passed || ageMs > DRILL_MAX_AGE_MS) {
      return {
        status: problem(ctx),
        summary: passed
          ? `the last passing drill was ${age(ageMs)} ago (${passed.backupId}), more than 30 days`
          : `no drill has passed; the newest (${newest.backupId}) found: ${newest.problems[0] ?? 'a problem'}`,
        details,
        fix,
      };
    }
    if (!newest.ok) {
      return {
        status: 'warn',
        summary: `the newest drill failed (${newest.backupId}: ${newest.problems[0] ?? 'a problem'}); one passed ${age(ageMs)} ago`,
        details,
        fix,
      };
    }
    return {
      status: 'pass',
      summary: `drill of ${passed.backupId} passed ${age(ageMs)} ago: restored in ${(passed.restoreMs / 1000).toFixed(1)} s`,
      details,
    };
  },
};
