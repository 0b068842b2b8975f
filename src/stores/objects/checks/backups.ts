// objects.backups: the objects are in the backup policy (`objects.backup: true`), or left out on
// purpose (`false`: a warning, since a database restored without its files points at nothing).
// Unsaid, a guarded environment fails: its uploads would be lost with the bucket.
import type { Check } from '../../../core/checks/check.js';
import type { ObjectsCheckContext } from './context.js';

export const backups: Check<ObjectsCheckContext> = {
  id: 'objects.backups',
  area: 'objects',
  title: 'Objects are in the backup policy, or left out on purpose',
  severity: 'fail',
  async run(ctx) {
    const backup = ctx.env.config.objects?.backup;
    const key = `environments.${ctx.env.name}.objects.backup`;
    if (backup === true) {
      return { status: 'pass', summary: `objects are in ${ctx.env.name}'s backup policy (${key}: true)` };
    }
    if (backup === false) {
      return {
        status: 'warn',
        summary: `objects are left out of ${ctx.env.name}'s backups on purpose (${key}: false): a restored database may name files that are gone`,
        fix: `set ${key}: true to back them up with the database`,
      };
    }
    return {
      status: ctx.env.guarded ? 'fail' : 'warn',
      summary: `${key} is not set: nothing says whether ${ctx.env.name}'s objects are backed up`,
      fix: `set ${key}: true to back them up, or false to leave them out on purpose`,
    };
  },
};
