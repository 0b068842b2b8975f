// access.app-role-ddl: the app's credentials cannot create, alter or drop objects, and own none.
import type { Check } from '../../../core/checks/check.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';

/** A SQL condition on a schema name column: not a system schema (`pg_*` names are reserved). */
export function isUserSchema(column: string): string {
  return `(${column} not like 'pg\\_%' and ${column} <> 'information_schema')`;
}

/** How many found objects the details list; the summary gives the full count. */
const LISTED = 20;

// One catalog query whatever the database's size: each finding is a row (kind, object), grouped
// by kind with a bounded sample. Rights count through membership, inherited or not: what a role
// one can SET ROLE to may do, the app may do. Ownership is what lets a role ALTER and DROP.
const FINDINGS_SQL = `
with member_of as (
  select oid, rolname from pg_roles where pg_has_role(current_user, oid, 'MEMBER')
),
user_schemas as (
  select oid, nspname, nspowner from pg_namespace where ${isUserSchema('nspname')}
),
findings (kind, object, owner) as (
  select 'may create schemas in the database', quote_ident(current_database()), g.rolname
    from (select m.rolname from member_of m
      where has_database_privilege(m.oid, current_database(), 'CREATE')
      order by m.rolname <> current_user, m.rolname limit 1) g
  union all
  select 'may create databases (CREATEDB)', quote_ident(rolname), null from pg_roles
    where rolname = current_user and rolcreatedb
  union all
  select 'may create roles (CREATEROLE)', quote_ident(rolname), null from pg_roles
    where rolname = current_user and rolcreaterole
  union all
  select 'may create in schema', quote_ident(s.nspname), g.rolname
    from user_schemas s cross join lateral (select m.rolname from member_of m
      where has_schema_privilege(m.oid, s.oid, 'CREATE')
      order by m.rolname <> current_user, m.rolname limit 1) g
  union all
  select 'owns database', quote_ident(d.datname), m.rolname
    from pg_database d join member_of m on m.oid = d.datdba where d.datname = current_database()
  union all
  select 'owns schema', quote_ident(s.nspname), m.rolname
    from user_schemas s join member_of m on m.oid = s.nspowner
  union all
  select case c.relkind
      when 'r' then 'owns table' when 'p' then 'owns table' when 'v' then 'owns view'
      when 'm' then 'owns materialized view' when 'S' then 'owns sequence'
      when 'f' then 'owns foreign table' when 'c' then 'owns type' else 'owns relation' end,
    format('%I.%I', s.nspname, c.relname), m.rolname
    from pg_class c join user_schemas s on s.oid = c.relnamespace join member_of m on m.oid = c.relowner
    where c.relkind not in ('i', 'I', 't') -- indexes and TOAST come with their table
  union all
  select 'owns function', format('%I.%I', s.nspname, p.proname), m.rolname
    from pg_proc p join user_schemas s on s.oid = p.pronamespace join member_of m on m.oid = p.proowner
  union all
  select 'owns type', format('%I.%I', s.nspname, t.typname), m.rolname
    from pg_type t join user_schemas s on s.oid = t.typnamespace join member_of m on m.oid = t.typowner
    -- row types of relations are counted as the relation; array types come with their element
    where t.typrelid = 0 and not (t.typcategory = 'A' and t.typelem <> 0)
)
select kind, count(*)::int as total,
  (array_agg(object || case when owner is null or owner = current_user then ''
     else ' (via ' || quote_ident(owner) || ')' end order by object))[1:${LISTED}] as sample
from findings group by kind order by kind`;

interface FindingGroup {
  kind: string;
  total: number;
  sample: string[];
}

export const appRoleDdl: Check<PostgresCheckContext> = {
  id: 'access.app-role-ddl',
  area: 'access',
  title: 'The app cannot create, alter or drop objects, and owns none',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!db.capabilities.loginRoles) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const { rows: who } = await db.query<{ app: string }>('select current_user as app');
    const app = who[0]?.app ?? '?';
    const { rows: groups } = await db.query<FindingGroup>(FINDINGS_SQL);
    if (groups.length === 0) {
      return {
        status: 'pass',
        summary: `app role "${app}" can create nothing and owns nothing`,
        details: { role: app },
      };
    }
    const total = groups.reduce((sum, group) => sum + group.total, 0);
    const found = groups.flatMap((group) => group.sample.map((object) => `${group.kind} ${object}`));
    return {
      status: 'fail',
      summary: `app role "${app}" can change the schema: ${groups.map((group) => `${group.kind} (${group.total})`).join(', ')}`,
      details: {
        role: app,
        total,
        byKind: Object.fromEntries(groups.map((group) => [group.kind, group.total])),
        found: found.slice(0, LISTED),
        truncated: total > LISTED,
      },
      fix: `connect the app as a role that only reads and writes data, with a separate owner role for migrations: run \`launchdb attach postgres --env ${ctx.env.name} --admin-url …\``,
    };
  },
};
