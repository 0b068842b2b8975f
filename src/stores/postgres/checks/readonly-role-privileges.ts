// access.readonly-role-privileges: the read-only role (DATABASE_READONLY_URL) can read every app table
// the app may touch, new ones too, and can change none.
import type { Check } from '../../../core/checks/check.js';
import { parseConnectionUrl } from '../connection-url.js';
import { quoteIdent } from '../sql-quote.js';
import { appRoleNeed, migrationRoleOf, roleOf } from './app-role-privileges.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import {
  accessFix,
  accessVerdict,
  auditTableAccess,
  type TableNeed,
  WRITE_RIGHTS,
} from './role-table-access.js';

const READS: TableNeed = { required: ['SELECT'], forbidden: WRITE_RIGHTS };
/** A table the app must not touch (access.appRole.none) is no business of a reader's either. */
const UNREAD: TableNeed = { required: [], forbidden: WRITE_RIGHTS };

export const readonlyRolePrivileges: Check<PostgresCheckContext> = {
  id: 'access.readonly-role-privileges',
  area: 'access',
  title: 'The read-only role can read every app table and change none',
  // Missing reads only warn: the app does not depend on this role. Writes fail: it promised not to.
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!db.capabilities.loginRoles) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const { target } = ctx.postgres;
    const url = target.backing === 'server' ? target.readonlyUrl : undefined;
    if (!url) {
      return {
        status: 'skip',
        summary: `no read-only role recorded for ${ctx.env.name} (DATABASE_READONLY_URL): \`attach --admin-url\` provisions one`,
      };
    }
    const name = parseConnectionUrl(url).user;
    const found = await roleOf(db, name);
    if (!found.role) {
      return {
        status: 'warn',
        summary: `read-only role "${name}" of DATABASE_READONLY_URL does not exist`,
        fix: `re-run \`launchdb attach postgres --env ${ctx.env.name} --admin-url …\` to provision it`,
      };
    }
    if (found.superuser) {
      return {
        status: 'fail',
        summary: `read-only role "${name}" is a superuser: it can change every table`,
        fix: `alter role ${quoteIdent(name)} nosuperuser;`,
      };
    }
    const appNeed = appRoleNeed(ctx.project.config.access?.appRole);
    const owner = migrationRoleOf(target);
    const audit = await auditTableAccess(db, {
      role: name,
      needOf: (schema, table) => (appNeed(schema, table).required.length === 0 ? UNREAD : READS),
      ...(owner ? { creators: [owner] } : {}),
    });
    const verdict = accessVerdict(audit, 'warn');
    const details = { role: name, tables: audit.tables.length, ...verdict.details };
    if (verdict.status === 'pass') {
      return {
        status: 'pass',
        summary:
          audit.tables.length === 0
            ? `read-only role "${name}" needs nothing yet: no app tables`
            : `read-only role "${name}" can read ${audit.tables.length} app table(s) and new ones, and change none`,
        details,
      };
    }
    return {
      status: verdict.status,
      summary: `read-only role "${name}" ${verdict.problems.join('; ')}`,
      details,
      fix: accessFix(verdict.statements, owner),
    };
  },
};
