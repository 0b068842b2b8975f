// backups.configured: backups happen without anyone remembering to take them: a backup job declared
// in scheduler.jobs for the environment (`launchdb scheduler run` runs it), or the provider's
// automated backups declared (which launchdb cannot see inside). Whether the job's slots actually run
// is backups.schedule-ran's question.

import { backupTargetOf } from '../../../backup/backup-location.js';
import type { Check } from '../../../core/checks/check.js';
import { backupJobOf } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const backupsConfigured: Check<PostgresCheckContext> = {
  id: 'backups.configured',
  area: 'backups',
  title: 'automated backups are set up',
  severity: 'fail',
  async run(ctx) {
    const config = ctx.project.config.backups ?? {};
    const provider = config.provider;
    const target = backupTargetOf(ctx.project, ctx.env).location;
    const job = backupJobOf(ctx);
    if (job) {
      return {
        status: 'pass',
        summary: `the scheduler takes backups at "${job.cron}" (${job.timezone}) to ${target}`,
        details: { cron: job.cron, timezone: job.timezone, target, provider: provider ?? null },
      };
    }
    if (provider?.automatedBackups) {
      return {
        status: 'warn',
        summary: `${provider.name}'s automated backups are declared, not verified: launchdb cannot see inside them`,
        details: { provider },
        fix: `prove them independently: run \`launchdb backup drill --env ${ctx.env.name} --fresh\` or \`backup export\` on a schedule`,
      };
    }
    const fix = `declare scheduler: { jobs: [{ job: 'backup', env: '${ctx.env.name}', cron: '0 3 * * *' }] } and run \`launchdb scheduler run\` as a service, or declare backups.provider`;
    return ctx.env.guarded
      ? {
          status: 'fail',
          summary: `no backup job in scheduler.jobs for ${ctx.env.name} and no provider backups declared: nobody takes backups automatically`,
          fix,
        }
      : {
          status: 'skip',
          summary: `no backup job in scheduler.jobs for ${ctx.env.name}; required in guarded environments (production)`,
        };
  },
};
