// access.app-role-superuser: the app's credentials are not a superuser and cannot bypass RLS.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

export const EMBEDDED_ROLES_SKIP =
  'embedded: every connection is the single superuser; role separation applies on a server';

interface PowerfulRole {
  rolname: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
  self: boolean;
}

export const appRoleSuperuser: Check<PostgresCheckContext> = {
  id: 'access.app-role-superuser',
  area: 'access',
  title: 'The app is not a superuser and cannot bypass row-level security',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!db.capabilities.loginRoles) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    // MEMBER, not USAGE: a role that can SET ROLE to a superuser is one statement away from being one.
    const { rows } = await db.query<PowerfulRole>(
      `select r.rolname, r.rolsuper, r.rolbypassrls, r.rolname = current_user as self
       from pg_roles r
       where (r.rolsuper or r.rolbypassrls) and pg_has_role(current_user, r.oid, 'MEMBER')
       order by r.rolname = current_user desc, r.rolname`,
    );
    const { rows: who } = await db.query<{ app: string }>('select current_user as app');
    const app = who[0]?.app ?? '?';
    if (rows.length === 0) {
      return {
        status: 'pass',
        summary: `app role "${app}" is not a superuser and cannot bypass row-level security`,
        details: { role: app },
      };
    }
    const self = rows.find((row) => row.self);
    const inherited = rows.filter((row) => !row.self);
    const problems: string[] = [];
    if (self?.rolsuper) problems.push('is a superuser');
    if (self?.rolbypassrls && !self.rolsuper) problems.push('has BYPASSRLS');
    // A superuser is a member of every role, so its memberships say nothing more.
    if (!self?.rolsuper) {
      for (const row of inherited) {
        problems.push(`is a member of "${row.rolname}" (${row.rolsuper ? 'superuser' : 'BYPASSRLS'})`);
      }
    }
    return {
      status: 'fail',
      summary: `app role "${app}" ${problems.join(', ')}`,
      details: {
        role: app,
        superuser: self?.rolsuper ?? false,
        bypassRls: self?.rolbypassrls ?? false,
        memberOf: self?.rolsuper ? [] : inherited.map((row) => row.rolname),
      },
      fix: `connect the app as a least-privilege role (NOSUPERUSER NOBYPASSRLS, in no such role): run \`launchdb attach postgres --env ${ctx.env.name} --admin-url …\` to provision one`,
    };
  },
};
