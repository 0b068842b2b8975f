// backups.retention: backups are kept at least a week, so a problem found days later can still be undone.

import { retainedDays } from '../../../backup/retention.js';
import type { Check } from '../../../core/checks/check.js';
import { backupJobOf } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

const MIN_DAYS = 7;

export const backupsRetention: Check<PostgresCheckContext> = {
  id: 'backups.retention',
  area: 'backups',
  title: 'backups are kept at least 7 days',
  severity: 'warn',
  async run(ctx) {
    const config = ctx.project.config.backups ?? {};
    const fix = `set backups.retention, e.g. { daily: 7, weekly: 4, monthly: 6 }, and prune by it: a prune job in scheduler.jobs ({ job: 'prune', env: '${ctx.env.name}', cron: '0 3 * * *' }), or \`launchdb backup prune --yes\``;
    const days = config.retention
      ? retainedDays(config.retention)
      : config.provider?.automatedBackups
        ? config.provider.retentionDays
        : undefined;
    const source = config.retention
      ? 'backups.retention'
      : `${config.provider?.name ?? 'the provider'} (declared)`;
    if (days === undefined) {
      if (!backupJobOf(ctx) && !ctx.env.guarded) {
        return {
          status: 'skip',
          summary: `no backup job in scheduler.jobs for ${ctx.env.name} and no retention; required in guarded environments (production)`,
        };
      }
      return {
        status: 'warn',
        summary: "no retention policy: how long backups are kept is nobody's decision",
        fix,
      };
    }
    if (days < MIN_DAYS) {
      return {
        status: 'warn',
        summary: `${source} keeps backups ${days} days, under ${MIN_DAYS}`,
        details: { days },
        fix,
      };
    }
    return { status: 'pass', summary: `${source} keeps backups ${days} days`, details: { days } };
  },
};
