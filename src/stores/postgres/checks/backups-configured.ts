// backups.configured: backups happen without anyone remembering to take them: a schedule and a
// target, or the provider's automated backups declared (which launchdb cannot see inside).
import type { Check } from '../../../core/checks/check.js';
import { backupTargetOf } from '../backup/backup-location.js';
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
    if (config.schedule) {
      return {
        status: 'pass',
        summary: `launchdb backup schedule takes backups at "${config.schedule}" (UTC) to ${target}`,
        details: { schedule: config.schedule, target, provider: provider ?? null },
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
    const fix = `add backups: { schedule: '0 3 * * *' } and run \`launchdb backup schedule --env ${ctx.env.name}\` as a service, or declare backups.provider`;
    return ctx.env.guarded
      ? {
          status: 'fail',
          summary: 'no backup schedule and no provider backups declared: nobody takes backups automatically',
          fix,
        }
      : { status: 'skip', summary: 'no backup schedule; required in guarded environments (production)' };
  },
};
