// Snapshot readers for access: privileges on objects, default privileges, and row-level security policies.
//
// A privilege is recorded only where it differs from what Postgres gives on its own: the owner's
// own rights are implied (and owners differ between a shadow and production), and the built-in
// defaults (PUBLIC may execute a function, use a type) are recorded only when revoked. So an object
// nobody granted anything on has no entry, however it was created.
import { functionKey, notInternal, prokind } from './read-routines.js';
import {
  collapse,
  commentOf,
  keyName,
  notInExtension,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { DefaultPrivilegeEntry, GrantEntry, PolicyEntry } from './snapshot-types.js';

interface PrivilegeRow {
  state: 'granted' | 'revoked';
  grantee: string;
  privilege: string;
}

/** SQL: granted (held, not built in) and revoked (built in, not held) privileges of `objects(id, acl, owner, objtype)`. */
function deviations(objects: string, builtinWhen = 'true'): string {
  return `with objects as (${objects}),
  actual as (
    select o.id, a.grantee, a.privilege_type, a.is_grantable
      from objects o cross join lateral aclexplode(o.acl) a where a.grantee <> o.owner),
  builtin as (
    select o.id, a.grantee, a.privilege_type, a.is_grantable
      from objects o cross join lateral aclexplode(acldefault(o.objtype, o.owner)) a
     where a.grantee <> o.owner and ${builtinWhen}),
  changed as (
    select 'granted' as state, * from (select * from actual except select * from builtin) g
    union all
    select 'revoked' as state, * from (select * from builtin except select * from actual) r)
  select x.state, x.id, case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee)::text end as grantee,
         x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end as privilege
    from changed x`;
}

export async function readGrants(scope: Scope): Promise<Record<string, GrantEntry>> {
  const inScope = (catalog: string, oid: string, namespace = 'n') =>
    `${userSchema(namespace)} and ${notInExtension(catalog, oid)}`;
  const objects = `
    select (case c.relkind when 'S' then 'sequence ' when 'v' then 'view ' when 'm' then 'materialized view '
              when 'f' then 'foreign table ' else 'table ' end) || ${qualifiedKey('n.nspname', 'c.relname')} as id,
           c.relacl as acl, c.relowner as owner, (case c.relkind when 'S' then 's' else 'r' end)::"char" as objtype
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relacl is not null and c.relkind in ('r', 'p', 'f', 'v', 'm', 'S') and ${inScope('pg_class', 'c.oid')}
    union all
    select 'column ' || ${qualifiedKey('n.nspname', 'c.relname')} || '.' || ${keyName('a.attname')},
           a.attacl, c.relowner, 'c'::"char"
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where a.attacl is not null and a.attnum > 0 and not a.attisdropped and ${inScope('pg_class', 'c.oid')}
    union all
    select 'schema ' || ${keyName('n.nspname')}, n.nspacl, n.nspowner, 'n'::"char"
      from pg_namespace n
     where n.nspacl is not null and ${inScope('pg_namespace', 'n.oid')}
    union all
    select (case when ${prokind(scope)} = 'p' then 'procedure ' else 'function ' end) || ${functionKey()},
           p.proacl, p.proowner, 'f'::"char"
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.proacl is not null and ${inScope('pg_proc', 'p.oid')} and ${notInternal()}
    union all
    select (case t.typtype when 'd' then 'domain ' else 'type ' end) || ${qualifiedKey('n.nspname', 't.typname')},
           t.typacl, t.typowner, 'T'::"char"
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where t.typacl is not null and t.typtype in ('e', 'd', 'c', 'r', 'b') and t.typcategory <> 'A'
       and ${inScope('pg_type', 't.oid')}`;
  const rows = await select<PrivilegeRow & { id: string }>(scope, deviations(objects));
  const grants: Record<string, GrantEntry> = {};
  for (const row of rows) {
    const grantee = scope.role(row.grantee);
    const key = `${row.id} to ${grantee}`;
    const entry = grants[key] ?? { object: row.id, grantee, granted: [], revoked: [] };
    entry[row.state].push(row.privilege);
    grants[key] = entry;
  }
  for (const entry of Object.values(grants)) sortPrivileges(entry);
  return grants;
}

const DEFAULT_KINDS: Record<string, DefaultPrivilegeEntry['on']> = {
  r: 'tables',
  S: 'sequences',
  f: 'functions',
  T: 'types',
  n: 'schemas',
};

/** An entry for every schema replaces the built-in default (so it can revoke); one for a schema adds to it. */
export async function readDefaultPrivileges(scope: Scope): Promise<Record<string, DefaultPrivilegeEntry>> {
  const objects = `
    select d.oid as id, d.defaclacl as acl, d.defaclrole as owner,
           (case d.defaclobjtype when 'S' then 's' else d.defaclobjtype end)::"char" as objtype,
           d.defaclnamespace = 0 as global
      from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
     where d.defaclnamespace = 0 or (${userSchema('n')})`;
  const rows = await select<PrivilegeRow & { role: string; schema: string | null; objtype: string }>(
    scope,
    `select x.*, pg_get_userbyid(d.defaclrole)::text as role, d.defaclobjtype::text as objtype,
            (select ${keyName('n.nspname')} from pg_namespace n where n.oid = d.defaclnamespace) as schema
       from (${deviations(objects, 'o.global')}) x join pg_default_acl d on d.oid = x.id`,
  );
  const entries: Record<string, DefaultPrivilegeEntry> = {};
  for (const row of rows) {
    const role = scope.role(row.role);
    const grantee = scope.role(row.grantee);
    const on = DEFAULT_KINDS[row.objtype] ?? 'tables';
    const key = `for role ${role}${row.schema === null ? '' : ` in schema ${row.schema}`} on ${on} to ${grantee}`;
    const entry = entries[key] ?? { role, schema: row.schema, on, grantee, granted: [], revoked: [] };
    entry[row.state].push(row.privilege);
    entries[key] = entry;
  }
  for (const entry of Object.values(entries)) sortPrivileges(entry);
  return entries;
}

function sortPrivileges(entry: { granted: string[]; revoked: string[] }): void {
  entry.granted = [...new Set(entry.granted)].sort();
  entry.revoked = [...new Set(entry.revoked)].sort();
}

const COMMANDS: Record<string, PolicyEntry['command']> = {
  r: 'SELECT',
  a: 'INSERT',
  w: 'UPDATE',
  d: 'DELETE',
  '*': 'ALL',
};

export async function readPolicies(scope: Scope): Promise<Record<string, PolicyEntry>> {
  const rows = await select<{
    table: string;
    name: string;
    command: string;
    permissive: boolean;
    roles: string[];
    using: string | null;
    check: string | null;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as table, ${keyName('p.polname')} as name,
            p.polcmd::text as command, p.polpermissive as permissive,
            array(select case when r = 0 then 'PUBLIC' else pg_get_userbyid(r)::text end
                    from unnest(p.polroles) r) as roles,
            pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check,
            ${commentOf('pg_policy', 'p.oid')} as comment
       from pg_policy p
       join pg_class c on c.oid = p.polrelid
       join pg_namespace n on n.oid = c.relnamespace
      where ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`,
  );
  const policies: Record<string, PolicyEntry> = {};
  for (const row of rows) {
    policies[`${row.table}.${row.name}`] = {
      table: row.table,
      command: COMMANDS[row.command] ?? 'ALL',
      permissive: row.permissive,
      roles: [...new Set(row.roles.map((role) => scope.role(role)))].sort(),
      using: row.using === null ? null : collapse(row.using),
      check: row.check === null ? null : collapse(row.check),
      comment: row.comment,
    };
  }
  return policies;
}
