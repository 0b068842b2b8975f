// seed.admin-exists: a product that needs an admin to run (admin.required) has one.
import type { Check } from '../../../core/checks/check.js';
import { judgeAdmins, NO_ADMIN_CONFIG_SKIP } from './admin-documented.js';
import type { PostgresCheckContext } from './context.js';

export const adminExists: Check<PostgresCheckContext> = {
  id: 'seed.admin-exists',
  area: 'seed',
  title: 'the admin the product needs exists',
  severity: 'fail',
  async run(ctx) {
    const admin = ctx.project.config.admin;
    if (!admin) return { status: 'skip', summary: NO_ADMIN_CONFIG_SKIP };
    if (admin.required !== true) {
      return { status: 'pass', summary: 'the config does not require an admin (admin.required)' };
    }
    return judgeAdmins(ctx, (admins) =>
      admins.length > 0
        ? {
            status: 'pass',
            summary: `${admins.length} admin(s): ${admins
              .slice(0, 3)
              .map((entry) => entry.email)
              .join(', ')}${admins.length > 3 ? ' …' : ''}`,
          }
        : {
            status: 'fail',
            summary: 'the app has no admin, and admin.required says the product needs one',
            fix: `create it on purpose: launchdb admin create --env ${ctx.env.name} --email EMAIL --owner "Name <email>" --reason TEXT`,
          },
    );
  },
};
