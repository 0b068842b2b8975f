// Role and grant changes, which event triggers never see (roles, memberships and database privileges
// are shared by the whole server): a snapshot of the roles that matter to this database, their
// memberships and settings, and the privileges granted in it, kept in `launchdb.access_snapshot`
// and compared at each `check` and after each launchdb action. What differs is a change; whether
// launchdb made it is decided by the caller (outside-changes.ts).
import type { Queryable } from '../database.js';

/**
 * `roles`: roles, memberships, role settings, database privileges. `objects` adds the privileges on
 * schemas, tables, sequences, functions and default privileges, which DDL capture records as GRANT
 * and REVOKE statements when it is installed (so they are compared only when it is not).
 */
export type SnapshotScope = 'roles' | 'roles+objects';

/** Each entry: a key naming what it is about (`role ada`, `table public.t ada`) and its value. */
export type SnapshotEntries = Record<string, string>;

export interface AccessSnapshot {
  takenAt: string;
  scope: SnapshotScope;
  entries: SnapshotEntries;
}

export const SNAPSHOT_TABLE = 'launchdb.access_snapshot';

/*
 * The roles that matter: those that may connect to this database (superusers, CONNECT by grant or
 * membership — everyone, when PUBLIC may), those named in a privilege or owning an object here, and
 * the roles they are members of. Everything else on a shared server is another database's business.
 */
/** Stands for whether object privileges are read: a literal, so each scope gets its own plan. */
const OBJECTS = '__objects__';

const SNAPSHOT = `
with recursive acl_grantees as (
  select (aclexplode(datacl)).grantee as oid from pg_database where datname = current_database()
  union select (aclexplode(nspacl)).grantee from pg_namespace
  union select (aclexplode(relacl)).grantee from pg_class
  union select (aclexplode(proacl)).grantee from pg_proc
  union select (aclexplode(defaclacl)).grantee from pg_default_acl
  union select defaclrole from pg_default_acl
  union select nspowner from pg_namespace
  union select datdba from pg_database where datname = current_database()
),
direct as (
  select r.oid from pg_roles r
   where has_database_privilege(r.oid, current_database(), 'CONNECT')
      or r.oid in (select oid from acl_grantees)
),
relevant as (
  select oid from direct
  union select m.roleid from pg_auth_members m join relevant on m.member = relevant.oid
),
acls as (
  select 'database ' || d.datname as object, a.* from pg_database d, aclexplode(d.datacl) a
   where d.datname = current_database()
  union all
  select 'schema ' || quote_ident(n.nspname), a.* from pg_namespace n, aclexplode(n.nspacl) a
   where ${OBJECTS} and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
  union all
  select case c.relkind when 'S' then 'sequence ' else 'table ' end || c.oid::regclass::text, a.*
    from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a
   where ${OBJECTS} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
  union all
  select 'function ' || p.oid::regprocedure::text, a.*
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace, aclexplode(p.proacl) a
   where ${OBJECTS} and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
  union all
  select 'default ' || pg_get_userbyid(d.defaclrole) || ' '
         || coalesce(quote_ident(n.nspname), '*') || ' ' || d.defaclobjtype::text, a.*
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
   where ${OBJECTS}
)
select 'role ' || r.rolname as key,
       concat_ws(' ',
         case when r.rolsuper then 'SUPERUSER' end, case when r.rolcanlogin then 'LOGIN' end,
         case when r.rolcreaterole then 'CREATEROLE' end, case when r.rolcreatedb then 'CREATEDB' end,
         case when r.rolreplication then 'REPLICATION' end, case when r.rolbypassrls then 'BYPASSRLS' end,
         case when not r.rolinherit then 'NOINHERIT' end,
         case when r.rolconnlimit >= 0 then 'CONNECTION LIMIT ' || r.rolconnlimit end,
         case when r.rolvaliduntil is not null then 'VALID UNTIL ' || to_char(r.rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end
       ) as value
  from pg_roles r where r.oid in (select oid from relevant)
union all
select 'member ' || pg_get_userbyid(m.member) || ' ' || pg_get_userbyid(m.roleid),
       concat_ws(' ', 'GRANTED', case when m.admin_option then 'WITH ADMIN OPTION' end)
  from pg_auth_members m
 where m.member in (select oid from relevant) or m.roleid in (select oid from relevant)
union all
select 'settings ' || coalesce(pg_get_userbyid(nullif(s.setrole, 0)), '*') || ' '
       || case when s.setdatabase = 0 then '*' else current_database() end,
       array_to_string(s.setconfig, ', ')
  from pg_db_role_setting s
 where (s.setrole = 0 or s.setrole in (select oid from relevant))
   and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
union all
select 'grant ' || object || ' ' || case when grantee = 0 then 'PUBLIC' else pg_get_userbyid(grantee) end,
       string_agg(privilege_type || case when is_grantable then ' WITH GRANT OPTION' else '' end, ', '
                  order by privilege_type)
  from acls group by object, grantee`;

/** The catalog as it is now. */
export async function takeAccessSnapshot(db: Queryable, scope: SnapshotScope): Promise<AccessSnapshot> {
  const { rows } = await db.query<{ key: string; value: string; now: string }>(
    `select s.key, s.value, to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now
       from (${SNAPSHOT.replaceAll(OBJECTS, scope === 'roles+objects' ? 'true' : 'false')}) s`,
  );
  const entries: SnapshotEntries = {};
  for (const row of rows) entries[row.key] = row.value;
  return { takenAt: rows[0]?.now ?? new Date().toISOString(), scope, entries };
}

export async function readStoredSnapshot(db: Queryable): Promise<AccessSnapshot | undefined> {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('${SNAPSHOT_TABLE}') is not null as exists`,
  );
  if (!rows[0]?.exists) return undefined;
  const stored = await db.query<{ taken_at: string; scope: SnapshotScope; entries: string }>(
    `select to_char(taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as taken_at, scope,
            entries::text as entries
       from ${SNAPSHOT_TABLE} where id = 1`,
  );
  const row = stored.rows[0];
  return row
    ? { takenAt: row.taken_at, scope: row.scope, entries: JSON.parse(row.entries) as SnapshotEntries }
    : undefined;
}

/** Replaces the stored snapshot (one row), creating its table the first time (`exists` false). */
export async function storeSnapshot(db: Queryable, snapshot: AccessSnapshot, exists: boolean): Promise<void> {
  if (!exists) await createSnapshotTable(db);
  await db.query(
    `insert into ${SNAPSHOT_TABLE} (id, taken_at, scope, entries) values (1, $1, $2, $3::jsonb)
     on conflict (id) do update set taken_at = excluded.taken_at, scope = excluded.scope, entries = excluded.entries`,
    [snapshot.takenAt, snapshot.scope, JSON.stringify(snapshot.entries)],
  );
}

/** Whether two snapshots hold the same entries and scope (then there is nothing to store). */
export function sameSnapshot(a: AccessSnapshot, b: AccessSnapshot): boolean {
  if (a.scope !== b.scope) return false;
  const keys = Object.keys(a.entries);
  if (keys.length !== Object.keys(b.entries).length) return false;
  return keys.every((key) => a.entries[key] === b.entries[key]);
}

async function createSnapshotTable(db: Queryable): Promise<void> {
  await db.query(
    `create table if not exists ${SNAPSHOT_TABLE} (
       id int primary key check (id = 1),
       taken_at timestamptz not null,
       scope text not null,
       entries jsonb not null
     )`,
  );
}

/** One difference between two snapshots, in words. */
export interface AccessChange {
  key: string;
  before: string | null;
  after: string | null;
  /** `role mallory created: LOGIN`, `grant table public.t mallory: SELECT granted`. */
  text: string;
  /** The roles it is about: the role, the member, the grantee. */
  roles: string[];
  /** Whether it is a privilege on a schema, table, sequence, function or default privileges. */
  objectPrivilege: boolean;
}

/** What changed from `before` to `after`, over the kinds both compared. */
export function diffSnapshots(before: AccessSnapshot, after: AccessSnapshot): AccessChange[] {
  const both = before.scope === 'roles+objects' && after.scope === 'roles+objects';
  const compared = (key: string) => both || !isObjectPrivilege(key);
  const keys = new Set([...Object.keys(before.entries), ...Object.keys(after.entries)]);
  const changes: AccessChange[] = [];
  for (const key of [...keys].sort()) {
    if (!compared(key)) continue;
    const was = before.entries[key] ?? null;
    const now = after.entries[key] ?? null;
    if (was === now) continue;
    changes.push({
      key,
      before: was,
      after: now,
      text: describe(key, was, now),
      roles: rolesOf(key),
      objectPrivilege: isObjectPrivilege(key),
    });
  }
  return changes;
}

function isObjectPrivilege(key: string): boolean {
  return key.startsWith('grant ') && !key.startsWith('grant database ');
}

/** The role names a key is about (the last word of a grant is its grantee). */
function rolesOf(key: string): string[] {
  const words = key.split(' ');
  if (words[0] === 'role') return [words.slice(1).join(' ')];
  if (words[0] === 'member') return [words[1]!, words[2]!];
  if (words[0] === 'settings') return words[1] === '*' ? [] : [words[1]!];
  return [words.at(-1)!];
}

function describe(key: string, before: string | null, after: string | null): string {
  const words = key.split(' ');
  const kind = words[0];
  if (kind === 'role') {
    if (before === null) return `role ${words[1]} created${after ? ` (${after})` : ''}`;
    if (after === null) return `role ${words[1]} dropped`;
    return `role ${words[1]}: ${before || '(no attributes)'} → ${after || '(no attributes)'}`;
  }
  if (kind === 'member') {
    if (before === null)
      return `${words[1]} made a member of ${words[2]}${after?.includes('ADMIN') ? ' WITH ADMIN OPTION' : ''}`;
    if (after === null) return `${words[1]} no longer a member of ${words[2]}`;
    return `${words[1]} in ${words[2]}: ${before} → ${after}`;
  }
  if (kind === 'settings') {
    const who = words[1] === '*' ? 'every role' : `role ${words[1]}`;
    const where = words[2] === '*' ? 'every database' : `database ${words[2]}`;
    return `settings of ${who} in ${where}: ${before ?? '(none)'} → ${after ?? '(none)'}`;
  }
  const grantee = words.at(-1);
  const object = words.slice(1, -1).join(' ');
  if (before === null) return `${grantee} granted ${after} on ${object}`;
  if (after === null) return `${grantee}'s ${before} on ${object} revoked`;
  return `${grantee} on ${object}: ${before} → ${after}`;
}
