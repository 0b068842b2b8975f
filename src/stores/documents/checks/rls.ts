// documents.rls: row-level security is on for every collection table, and no permissive policy lets
// the app's role (or PUBLIC) write every row: `using (true)` / `with check (true)` on INSERT, UPDATE,
// DELETE or ALL. Without RLS, any client holding the app's credentials reads and writes every document.
import type { Check } from '../../../core/checks/check.js';
import type { Queryable } from '../../postgres/database.js';
import { roleNamesOf } from '../../postgres/provision/roles.js';
import { readCollectionTables } from '../collection-tables.js';
import { collectionsDatabase, plural } from './collections-database.js';
import type { DocumentsCheckContext } from './context.js';

interface PolicyRow {
  table: string;
  policy: string;
  command: string;
  roles: string[] | string;
  using: string | null;
  check: string | null;
}

export const rls: Check<DocumentsCheckContext> = {
  id: 'documents.rls',
  area: 'documents',
  title: 'Collections have row-level security and no open write policy',
  severity: 'fail',
  async run(ctx) {
    const found = await collectionsDatabase(ctx);
    if ('outcome' in found) return found.outcome;
    const { schema, collections } = ctx.documents;
    const tables = await readCollectionTables(found.db, schema);
    const present = collections.filter((collection) => tables.has(collection.table));
    if (present.length === 0)
      return { status: 'skip', summary: 'no collection table is there (documents.collections says why)' };
    const problems: string[] = [];
    const appRoles = await appRolesOf(ctx, found.db);
    for (const collection of present) {
      const table = tables.get(collection.table);
      if (!table?.rls) problems.push(`${schema}.${collection.table}: row-level security is off`);
      // Policies do not apply to a table's owner unless RLS is forced: an app connecting as the owner writes every row.
      else if (found.db.capabilities.loginRoles && appRoles.has(table.owner) && !table.forcedRls)
        problems.push(
          `${schema}.${collection.table}: the app connects as its owner ${table.owner}, whom row-level security does not bind (not forced)`,
        );
    }
    const { rows } = await found.db.query<PolicyRow>(
      `select tablename as table, policyname as policy, cmd as command, roles, qual as using, with_check as check
         from pg_policies
        where schemaname = $1 and tablename = any($2) and permissive = 'PERMISSIVE'
          and cmd in ('ALL', 'INSERT', 'UPDATE', 'DELETE')
        order by tablename, policyname`,
      [schema, present.map((collection) => collection.table)],
    );
    for (const row of rows) {
      const roles = rolesOf(row.roles);
      const to = roles.filter((role) => appRoles.has(role));
      const open = isTrue(row.using) || isTrue(row.check);
      if (open && to.length > 0) {
        problems.push(
          `${schema}.${row.table}: policy ${row.policy} lets ${to.join(', ')} ${row.command === 'ALL' ? 'write' : row.command} every row (true)`,
        );
      }
    }
    const [first] = problems;
    if (first) {
      return {
        status: 'fail',
        summary: `${first}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        details: { problems, appRoles: [...appRoles] },
        fix: `\`alter table ${schema}.<table> enable row level security\`; bind write policies to the row's owner (e.g. \`using (data->>'owner' = current_setting('app.user_id'))\`)`,
      };
    }
    return {
      status: 'pass',
      summary: `${plural(present.length, 'collection')} with row-level security on, no open write policy`,
      details: { appRoles: [...appRoles] },
    };
  },
};

/** Who the app writes as: PUBLIC, the provisioned `<database>_app`, and the role we connect as unless it bypasses RLS. */
async function appRolesOf(ctx: DocumentsCheckContext, db: Queryable): Promise<Set<string>> {
  const roles = new Set(['public']);
  const target = ctx.postgres?.target;
  if (target?.backing === 'server') roles.add(roleNamesOf(target.database).app);
  const { rows } = await db.query<{ name: string; bypass: boolean }>(
    `select current_user as name, rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user`,
  );
  if (rows[0] && !rows[0].bypass) roles.add(rows[0].name);
  return roles;
}

/** pg_policies.roles is name[]: node-postgres gives `{a,b}` text for it, PGlite an array. */
function rolesOf(roles: string[] | string): string[] {
  return Array.isArray(roles)
    ? roles
    : roles
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
}

function isTrue(expression: string | null): boolean {
  return expression !== null && /^\(*\s*true\s*\)*$/i.test(expression);
}
