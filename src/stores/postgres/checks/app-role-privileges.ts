// access.app-role-privileges: the app's credentials can use the app's tables: USAGE on their schemas,
// the DML it needs on each table, USAGE on the sequences its inserts call, and default privileges
// so the next migration's tables are covered too; and nothing on what the config says it must not touch.
import type { Check } from '../../../core/checks/check.js';
import type { AppRoleAccess } from '../../../core/config/types.js';
import { parseConnectionUrl } from '../connection-url.js';
import type { Queryable } from '../database.js';
import { one } from '../provision/one.js';
import { namesTable } from '../scan/sample-tables.js';
import type { PostgresTarget } from '../target.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import {
  accessFix,
  accessVerdict,
  auditTableAccess,
  TABLE_RIGHTS,
  type TableNeed,
  WRITE_RIGHTS,
} from './role-table-access.js';

const READ_WRITE: TableNeed = { required: TABLE_RIGHTS, forbidden: [] };
const READ_ONLY: TableNeed = { required: ['SELECT'], forbidden: WRITE_RIGHTS };
const UNTOUCHED: TableNeed = { required: [], forbidden: TABLE_RIGHTS };

/**
 * `audit_log` (any schema), `billing.invoices`, `audit.*`, `*` (every table); only `schema.*` and `*`
 * speak for tables yet to come.
 */
export function matchesEntry(entry: string, schema: string, name: string | undefined): boolean {
  if (entry === '*') return true;
  if (entry.endsWith('.*')) return entry.slice(0, -2) === schema;
  return name !== undefined && namesTable(entry, schema, name);
}

/** What the app needs on a table, as `access.appRole` declares it: `none` wins over `readOnly`. */
export function appRoleNeed(access: AppRoleAccess = {}) {
  return (schema: string, name: string | undefined): TableNeed => {
    if (access.none?.some((entry) => matchesEntry(entry, schema, name))) return UNTOUCHED;
    if (access.readOnly?.some((entry) => matchesEntry(entry, schema, name))) return READ_ONLY;
    return READ_WRITE;
  };
}

/**
 * The role the migrations run as, when attach recorded one apart from the app's
 * (`DATABASE_MIGRATION_URL`): whose new tables the default privileges must cover. Undefined: judge
 * by the owners of the app tables.
 */
export function migrationRoleOf(target: PostgresTarget): string | undefined {
  if (target.backing !== 'server' || target.migrationUrl === target.url) return undefined;
  return parseConnectionUrl(target.migrationUrl).user || undefined;
}

/** The role a session is, and whether it is a superuser. */
export function roleOf(db: Queryable, name?: string) {
  return one<{ role: string | null; superuser: boolean | null }>(
    db,
    `select (select rolname::text from pg_roles where rolname = coalesce($1, current_user)) as role,
            (select rolsuper from pg_roles where rolname = coalesce($1, current_user)) as superuser`,
    [name ?? null],
  );
}

export const appRolePrivileges: Check<PostgresCheckContext> = {
  id: 'access.app-role-privileges',
  area: 'access',
  title: 'The app can use every app table it needs, and no more than the config allows',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!db.capabilities.loginRoles) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const self = await roleOf(db);
    const app = self.role ?? '?';
    if (self.superuser) {
      return {
        status: 'skip',
        summary: `app role "${app}" is a superuser and holds every right: access.app-role-superuser fails it`,
      };
    }
    const access = ctx.project.config.access?.appRole;
    const owner = migrationRoleOf(ctx.postgres.target);
    const audit = await auditTableAccess(db, {
      role: app,
      needOf: appRoleNeed(access),
      ...(owner ? { creators: [owner] } : {}),
    });
    const verdict = accessVerdict(audit, 'fail');
    const unmatched = unmatchedEntries(access, audit.tables);
    const declared = audit.tables.map((table) => appRoleNeed(access)(table.schema, table.name));
    const details = {
      role: app,
      tables: audit.tables.length,
      readOnly: declared.filter((need) => need === READ_ONLY).length,
      untouched: declared.filter((need) => need === UNTOUCHED).length,
      ...verdict.details,
      ...(unmatched.length > 0 ? { unmatched } : {}),
    };
    if (verdict.status === 'pass' && unmatched.length === 0) {
      return {
        status: 'pass',
        summary:
          audit.tables.length === 0
            ? `app role "${app}" needs nothing yet: no app tables`
            : `app role "${app}" holds what it needs on ${audit.tables.length} app table(s), and default privileges cover new ones`,
        details,
      };
    }
    const typos = unmatched.map((entry) => `${entry} names no app table`);
    return {
      status: verdict.status === 'pass' ? 'warn' : verdict.status,
      summary: `app role "${app}" ${[...verdict.problems, ...typos].join('; ')}`,
      details,
      fix: [
        verdict.statements.length > 0 ? accessFix(verdict.statements, owner) : '',
        typos.length > 0 ? 'correct the table names under access.appRole in the config' : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  },
};

/** Config entries that name no app table: a typo there would silently leave a table unguarded. */
function unmatchedEntries(access: AppRoleAccess = {}, tables: { schema: string; name: string }[]): string[] {
  const entries = [
    ...(access.readOnly ?? []).map((entry) => ({ key: 'readOnly', entry })),
    ...(access.none ?? []).map((entry) => ({ key: 'none', entry })),
  ];
  return entries
    .filter(({ entry }) => !tables.some((table) => matchesEntry(entry, table.schema, table.name)))
    .map(({ key, entry }) => `access.appRole.${key} "${entry}"`);
}
