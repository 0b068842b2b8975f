// backups.restore-owner: at least one person who can restore data is named, with a way to reach them.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

export const backupsRestoreOwner: Check<PostgresCheckContext> = {
  id: 'backups.restore-owner',
  area: 'backups',
  title: 'who can restore data is documented',
  severity: 'fail',
  async run(ctx) {
    const owners = ctx.project.config.backups?.restoreOwners ?? [];
    if (owners.length > 0) {
      return {
        status: 'pass',
        summary: `can restore: ${owners.map((owner) => `${owner.name} (${owner.contact})`).join(', ')}`,
        details: { owners },
      };
    }
    const fix = "add backups: { restoreOwners: [{ name: 'Ada Lovelace', contact: 'ada@shop.dev' }] }";
    return ctx.env.guarded
      ? { status: 'fail', summary: 'nobody is named who can restore data: in an incident, who does it?', fix }
      : { status: 'skip', summary: 'no restore owners named; required in guarded environments (production)' };
  },
};
