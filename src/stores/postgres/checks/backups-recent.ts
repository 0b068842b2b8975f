// backups.recent: the newest complete backup is younger than the recovery point objective.
import type { Check } from '../../../core/checks/check.js';
import { age, newestBackup, noBackups, problem } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const DEFAULT_RPO_MS = 24 * 3_600_000;

export const backupsRecent: Check<PostgresCheckContext> = {
  id: 'backups.recent',
  area: 'backups',
  title: 'a recent backup exists',
  severity: 'fail',
  async run(ctx) {
    const newest = await newestBackup(ctx);
    if (!newest) return noBackups(ctx);
    const rpo = ctx.project.config.backups?.rpo ?? DEFAULT_RPO_MS;
    const ageMs = ctx.now.getTime() - Date.parse(newest.manifest.snapshotAt);
    const details = { id: newest.id, snapshotAt: newest.manifest.snapshotAt, ageMs, rpoMs: rpo };
    if (ageMs <= rpo) {
      return {
        status: 'pass',
        summary: `newest backup ${newest.id} is ${age(ageMs)} old (RPO ${age(rpo)})`,
        details,
      };
    }
    return {
      status: problem(ctx),
      summary: `the newest backup is ${age(ageMs)} old, past the RPO of ${age(rpo)}: ${newest.id}`,
      details,
      fix: `take one now (\`launchdb backup create --env ${ctx.env.name}\`) and check that the schedule runs`,
    };
  },
};
