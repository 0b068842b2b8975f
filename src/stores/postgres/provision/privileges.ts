// Reads who holds which privileges: on a database or schema, by default on new objects, and on existing ones.
import type { Queryable } from '../database.js';
import { one } from './one.js';

export type Grants = Map<string, Set<string>>;

/** Who holds what on a database or schema, PUBLIC included; undefined when it does not exist. */
export async function grantsOn(
  db: Queryable,
  kind: 'database' | 'schema',
  name: string,
): Promise<Grants | undefined> {
  const [catalog, acl, ownerColumn, nameColumn, code] =
    kind === 'database'
      ? ['pg_database', 'datacl', 'datdba', 'datname', 'd']
      : ['pg_namespace', 'nspacl', 'nspowner', 'nspname', 'n'];
  const { rows } = await db.query<{ grantee: string | null; privilege: string | null }>(
    `select coalesce(r.rolname::text, 'PUBLIC') as grantee, a.privilege_type as privilege
       from ${catalog} x
       left join lateral aclexplode(coalesce(x.${acl}, acldefault('${code}', x.${ownerColumn}))) a on true
       left join pg_roles r on r.oid = a.grantee
      where x.${nameColumn} = $1`,
    [name],
  );
  if (rows.length === 0) return undefined;
  const grants: Grants = new Map();
  for (const row of rows) {
    if (!row.privilege || !row.grantee) continue;
    grants.set(row.grantee, (grants.get(row.grantee) ?? new Set()).add(row.privilege));
  }
  return grants;
}

export function holds(grants: Grants | undefined, grantee: string, privileges: string[]): boolean {
  const held = grants?.get(grantee);
  return privileges.every((privilege) => held?.has(privilege) ?? false);
}

export function holdsAny(grants: Grants | undefined, grantee: string, privileges?: string[]): boolean {
  const held = grants?.get(grantee);
  if (!held) return false;
  return privileges ? privileges.some((privilege) => held.has(privilege)) : held.size > 0;
}

/**
 * Who the default privileges of `creator`'s new tables (`r`) or sequences (`S`) in `schema` grant
 * what; `schema` undefined: the defaults for every schema (ALTER DEFAULT PRIVILEGES without IN SCHEMA).
 */
export async function defaultGrants(
  db: Queryable,
  creator: string,
  schema: string | undefined,
  type: 'r' | 'S',
): Promise<Grants> {
  const { rows } = await db.query<{ grantee: string; privilege: string }>(
    `select coalesce(r.rolname::text, 'PUBLIC') as grantee, a.privilege_type as privilege
       from pg_default_acl d
       cross join lateral aclexplode(d.defaclacl) a
       left join pg_roles r on r.oid = a.grantee
      where d.defaclrole = (select oid from pg_roles where rolname = $1)
        and d.defaclnamespace = case when $2::text is null then 0::oid
              else (select oid from pg_namespace where nspname = $2) end
        and d.defaclobjtype = $3`,
    [creator, schema ?? null, type],
  );
  const grants: Grants = new Map();
  for (const row of rows) grants.set(row.grantee, (grants.get(row.grantee) ?? new Set()).add(row.privilege));
  return grants;
}

/** How many tables (or sequences) of schema public the role lacks one of the privileges on. */
export async function lackingObjects(
  db: Queryable,
  role: string,
  objects: 'tables' | 'sequences',
  privileges: string[],
): Promise<number> {
  // The same kinds GRANT … ON ALL TABLES covers, minus views, whose writability is their definer's business.
  const [kinds, check] =
    objects === 'tables' ? [['r', 'p'], 'has_table_privilege'] : [['S'], 'has_sequence_privilege'];
  const all = privileges.map((privilege) => `${check}($1, c.oid, '${privilege}')`).join(' and ');
  const row = await one<{ lacking: number }>(
    db,
    `select count(*)::int as lacking from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = any($2::"char"[]) and not (${all})`,
    [role, kinds],
  );
  return row.lacking;
}
