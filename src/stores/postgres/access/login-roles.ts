// Every role that can log in to this database, and what it can do there, read from the catalog as
// Postgres resolves it: memberships (inherited, or one SET ROLE away), PUBLIC, predefined roles such
// as pg_read_all_data, and the default privileges the next migration's tables will get.

import { isUserSchema } from '../checks/app-role-ddl.js';
import type { Queryable } from '../database.js';
import { appTablesSql, HISTORY_TABLES, heldRightsSql } from './app-tables.js';

/** What one role the login role has the rights of (itself, or a role it belongs to) lets it change. */
export interface RolePower {
  role: string;
  /** Its rights are had without SET ROLE. */
  inherited: boolean;
  /** May CREATE schemas in the database. */
  createOnDatabase: boolean;
  /** Schemas it may CREATE in. */
  createIn: string[];
  /** Objects of this database it owns: the database, schemas, tables, views, sequences, functions, types. */
  owns: number;
}

export interface LoginRole {
  name: string;
  superuser: boolean;
  /** The role initdb created (`postgres`, oid 10): the server's own, not any project's. */
  bootstrap: boolean;
  /** LOGIN; a role listed without it still has a session here. */
  canLogin: boolean;
  createdb: boolean;
  createrole: boolean;
  replication: boolean;
  /** BYPASSRLS, its own or a role's it belongs to (superusers bypass too). */
  bypassRls: boolean;
  /** CONNECTION LIMIT; null when unlimited. */
  connectionLimit: number | null;
  /** `VALID UNTIL` as an ISO time; null when none. */
  validUntil: string | null;
  /** Its COMMENT (a personal role's says whose it is). */
  comment: string | null;
  /** Sessions it has in this database now, besides the one reading. */
  sessions: number;
  /** Roles it belongs to; `inherited: false` ones give their rights only after SET ROLE. */
  memberOf: { role: string; inherited: boolean; superuser: boolean }[];
  /** What it and the roles it belongs to may create or own here. */
  powers: RolePower[];
  /** App tables it can read, and write (INSERT, UPDATE or DELETE), with SET ROLE where needed. */
  read: string[];
  write: string[];
  /** Default privileges its roles get on tables created later: by whom, where, which rights. */
  newTables: { creator: string; schema: string | null; rights: string[] }[];
}

export interface AuditLibrary {
  /** pgAudit is loaded (its settings exist, so `shared_preload_libraries` has it). */
  loaded: boolean;
  /** `create extension pgaudit` was run in this database. */
  extension: boolean;
  /** `shared_preload_libraries`, when this session may read it (superuser or pg_read_all_settings). */
  preload: string | null;
}

export interface LoginRolesReading {
  database: string;
  /** The app tables, `schema.table` as SQL spells them. */
  tables: string[];
  roles: LoginRole[];
  pgaudit: AuditLibrary;
}

// One query for every role, whatever their number: each per-role function is called once per
// (role, table) or (role, group) pair, and only for roles that can reach this database.
const ROLES_SQL = `
with sessions as (
  select usesysid, count(*)::int as n from pg_stat_activity
  where datname = current_database() and pid <> pg_backend_pid() and usesysid is not null
  group by usesysid
),
login as (
  select r.* from pg_roles r
  where (r.rolcanlogin and (r.rolsuper or has_database_privilege(r.oid, current_database(), 'CONNECT')))
     or r.oid in (select usesysid from sessions)
),
-- Whose rights each login role has: itself, the roles it inherits, the roles it may SET ROLE to.
-- A superuser has every right already.
becomes as (
  select l.oid as login, l.oid as role, true as inherited from login l where not l.rolsuper
  union all
  select l.oid, g.roleid, pg_has_role(l.oid, g.roleid, 'USAGE')
  from login l cross join (select distinct roleid from pg_auth_members) g
  where not l.rolsuper and g.roleid <> l.oid and pg_has_role(l.oid, g.roleid, 'MEMBER')
),
acting as (select distinct role from becomes),
app_tables as (${appTablesSql('$1')}
),
rights as (
  select a.role, t.qualified, ${heldRightsSql('a.role', 't.oid')} as held
  from acting a cross join app_tables t
),
user_schemas as (
  select oid, nspname, nspowner from pg_namespace where ${isUserSchema('nspname')}
),
owned as (
  select owner, count(*)::int as n from (
    select datdba as owner from pg_database where datname = current_database()
    union all select nspowner from user_schemas
    union all select c.relowner from pg_class c join user_schemas s on s.oid = c.relnamespace
      where c.relkind not in ('i', 'I', 't') -- indexes and TOAST come with their table
    union all select p.proowner from pg_proc p join user_schemas s on s.oid = p.pronamespace
    union all select t.typowner from pg_type t join user_schemas s on s.oid = t.typnamespace
      -- row types of relations are counted as the relation; array types come with their element
      where t.typrelid = 0 and not (t.typcategory = 'A' and t.typelem <> 0)
  ) o group by owner
),
powers as (
  select a.role, has_database_privilege(a.role, current_database(), 'CREATE') as create_on_database,
    array(select quote_ident(s.nspname) from user_schemas s
          where has_schema_privilege(a.role, s.oid, 'CREATE') order by 1)::text[] as create_in,
    coalesce(o.n, 0) as owns
  from acting a left join owned o on o.owner = a.role
),
new_tables as (
  select b.login, pg_get_userbyid(d.defaclrole)::text as creator, n.nspname::text as schema,
    array_agg(distinct x.privilege_type order by x.privilege_type)::text[] as rights
  from pg_default_acl d
  cross join lateral aclexplode(d.defaclacl) x
  left join pg_namespace n on n.oid = d.defaclnamespace
  join becomes b on b.role = x.grantee or x.grantee = 0
  -- Defaults for every schema (no namespace), or for a schema of the app's: launchdb's own are not.
  where d.defaclobjtype = 'r' and (n.nspname is null or (${isUserSchema('n.nspname')} and n.nspname <> 'launchdb'))
  group by b.login, d.defaclrole, n.nspname
),
-- Each login role's facts, aggregated in one pass each and joined (a subquery per login role
-- re-scanned the CTEs 400 times: 3.5 s).
tables_of as (
  select b.login,
    array_agg(distinct r.qualified order by r.qualified) filter (where 'SELECT' = any (r.held)) as read,
    array_agg(distinct r.qualified order by r.qualified)
      filter (where r.held && array['INSERT', 'UPDATE', 'DELETE']) as write
  from becomes b join rights r on r.role = b.role
  group by b.login
),
groups_of as (
  select b.login, bool_or(g.rolbypassrls) as bypass_rls,
    json_agg(json_build_object('role', g.rolname, 'inherited', b.inherited, 'superuser', g.rolsuper)
      order by g.rolname) as member_of
  from becomes b join pg_roles g on g.oid = b.role
  where b.role <> b.login
  group by b.login
),
powers_of as (
  select b.login, json_agg(json_build_object('role', g.rolname, 'inherited', b.inherited,
      'createOnDatabase', p.create_on_database, 'createIn', p.create_in, 'owns', p.owns)
      order by b.role <> b.login, g.rolname) as powers
  from becomes b join powers p on p.role = b.role join pg_roles g on g.oid = b.role
  where p.create_on_database or cardinality(p.create_in) > 0 or p.owns > 0
  group by b.login
),
new_tables_of as (
  select login, json_agg(json_build_object('creator', creator, 'schema', schema, 'rights', rights)
      order by creator, schema nulls first) as new_tables
  from new_tables group by login
)
select l.rolname::text as name, l.rolsuper as superuser, l.oid = 10 as bootstrap, l.rolcanlogin as can_login,
  l.rolcreatedb as createdb, l.rolcreaterole as createrole, l.rolreplication as replication,
  l.rolbypassrls or coalesce(g.bypass_rls, false) as bypass_rls,
  l.rolconnlimit as connection_limit,
  case when l.rolvaliduntil is null or l.rolvaliduntil = 'infinity' then null
    else to_char(l.rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end as valid_until,
  shobj_description(l.oid, 'pg_authid') as comment,
  coalesce(s.n, 0) as sessions,
  coalesce(g.member_of, '[]') as member_of,
  coalesce(p.powers, '[]') as powers,
  coalesce(t.read, '{}')::text[] as read,
  coalesce(t.write, '{}')::text[] as write,
  coalesce(n.new_tables, '[]') as new_tables
from login l
left join sessions s on s.usesysid = l.oid
left join groups_of g on g.login = l.oid
left join powers_of p on p.login = l.oid
left join tables_of t on t.login = l.oid
left join new_tables_of n on n.login = l.oid
order by l.rolname`;

const TABLES_SQL = `with app_tables as (${appTablesSql('$1')}) select qualified from app_tables order by 1`;

const PGAUDIT_SQL = `
select exists (select 1 from pg_settings where name = 'pgaudit.log') as loaded,
  exists (select 1 from pg_extension where extname = 'pgaudit') as extension,
  (select setting from pg_settings where name = 'shared_preload_libraries') as preload,
  current_database()::text as database`;

interface RoleRow {
  name: string;
  superuser: boolean;
  bootstrap: boolean;
  can_login: boolean;
  createdb: boolean;
  createrole: boolean;
  replication: boolean;
  bypass_rls: boolean;
  connection_limit: number;
  valid_until: string | null;
  comment: string | null;
  sessions: number;
  member_of: LoginRole['memberOf'] | string;
  powers: RolePower[] | string;
  read: string[];
  write: string[];
  new_tables: LoginRole['newTables'] | string;
}

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? JSON.parse(value) : value);

/** Reads every login role of this database: three catalog queries whatever their number. */
export async function readLoginRoles(db: Queryable): Promise<LoginRolesReading> {
  const { rows } = await db.query<RoleRow>(ROLES_SQL, [HISTORY_TABLES]);
  const { rows: tableRows } = await db.query<{ qualified: string }>(TABLES_SQL, [HISTORY_TABLES]);
  const { rows: auditRows } = await db.query<AuditLibrary & { database: string }>(PGAUDIT_SQL);
  const tables = tableRows.map((row) => row.qualified);
  const { database, ...pgaudit } = auditRows[0]!;
  const roles = rows.map(
    (row): LoginRole => ({
      name: row.name,
      superuser: row.superuser,
      bootstrap: row.bootstrap,
      canLogin: row.can_login,
      createdb: row.createdb,
      createrole: row.createrole,
      replication: row.replication,
      bypassRls: row.superuser || row.bypass_rls,
      connectionLimit: row.connection_limit < 0 ? null : row.connection_limit,
      validUntil: row.valid_until,
      comment: row.comment,
      sessions: row.sessions,
      memberOf: parsed(row.member_of),
      powers: parsed(row.powers),
      // A superuser passes every privilege check.
      read: row.superuser ? tables : row.read,
      write: row.superuser ? tables : row.write,
      newTables: parsed(row.new_tables),
    }),
  );
  return { database, tables, roles, pgaudit };
}
