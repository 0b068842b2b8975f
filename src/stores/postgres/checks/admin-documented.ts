// seed.admin-documented: every admin the app has was created on purpose, with a recorded owner.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import type { AdminConfig } from '../../../core/config/types.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { type ListedAdmin, listAdmins } from '../admin/list-admins.js';
import type { PostgresCheckContext } from './context.js';

export const NO_ADMIN_CONFIG_SKIP =
  'no `admin` section in the config: launchdb does not know how the app stores admins (docs/ADMIN.md)';

/**
 * What the admin checks share: skipped without an `admin` config, and a failing admin.list (the
 * app's table not migrated yet, a column renamed) is a readable fail, not an error.
 */
export async function judgeAdmins(
  ctx: PostgresCheckContext,
  judge: (admins: ListedAdmin[], admin: AdminConfig) => CheckOutcome,
): Promise<CheckOutcome> {
  const admin = ctx.project.config.admin;
  if (!admin) return { status: 'skip', summary: NO_ADMIN_CONFIG_SKIP };
  const db = await ctx.postgres.db();
  let admins: ListedAdmin[];
  try {
    admins = await listAdmins(db, admin, ctx.env.name);
  } catch (error) {
    if (!isLaunchdbError(error)) throw error;
    return { status: 'fail', summary: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  }
  return judge(admins, admin);
}

export const adminDocumented: Check<PostgresCheckContext> = {
  id: 'seed.admin-documented',
  area: 'seed',
  title: 'every admin has a recorded owner',
  severity: 'fail',
  run: (ctx) =>
    judgeAdmins(ctx, (admins) => {
      const undocumented = admins.filter((entry) => !entry.documented).map((entry) => entry.email);
      if (undocumented.length === 0) {
        return {
          status: 'pass',
          summary:
            admins.length === 0
              ? 'the app has no admin'
              : `${admins.length} admin(s), each with a recorded owner`,
        };
      }
      const shown = undocumented.slice(0, 5).join(', ');
      const more = undocumented.length > 5 ? ` and ${undocumented.length - 5} more` : '';
      return {
        status: 'fail',
        summary: `${undocumented.length} of ${admins.length} admin(s) with no recorded owner: ${shown}${more}`,
        details: { undocumented },
        fix: `record who owns each: launchdb admin create --env ${ctx.env.name} --email ${undocumented[0]} --owner "Name <email>" --reason TEXT (an admin the app already has is documented, not created again); remove the ones nobody owns`,
      };
    }),
};
