// What every catalog reader of the snapshot shares: which schemas count, how keys are spelled, roles renamed.
import type { Queryable } from '../database.js';

/** Given to each reader; `$1` of every reader's query is `excluded`. */
export interface Scope {
  db: Queryable;
  /** Schemas left out besides the system ones. */
  excluded: string[];
  /** `server_version_num`, to guard catalog columns that not every major version has. */
  version: number;
  owners: boolean;
  extensionVersions: boolean;
  /** A role's name as the snapshot records it (renamed when the caller asked). */
  role(name: string): string;
}

/** SQL: the namespace `alias` holds user objects (not a system, temporary or excluded schema). */
export function userSchema(alias = 'n'): string {
  return `${alias}.nspname <> all($1::text[]) and ${notSystemSchema(alias)}`;
}

/** SQL: the namespace `alias` is not a system or temporary schema. */
export function notSystemSchema(alias = 'n'): string {
  return `${alias}.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and ${alias}.nspname !~ '^pg_(toast_)?temp_'`;
}

/** SQL: the object is not a member of an extension (those come and go with `CREATE EXTENSION`). */
export function notInExtension(catalog: string, oid: string): string {
  return `not exists (select 1 from pg_depend e where e.classid = '${catalog}'::regclass
    and e.objid = ${oid} and e.deptype = 'e')`;
}

/**
 * SQL: a name as it appears in a key, quoted only when it is not a plain lowercase identifier.
 * Not `quote_ident`, whose keyword list changes between major versions: keys must not.
 */
export function keyName(expression: string): string {
  return `(case when ${expression} ~ '^[a-z_][a-z0-9_$]*$' then ${expression}::text
    else '"' || replace(${expression}::text, '"', '""') || '"' end)`;
}

/** A name as keys spell it: `keyName` for a name at hand. */
export function keyOf(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** SQL: `schema.name` as a key, from a namespace and a name column. */
export function qualifiedKey(schema: string, name: string): string {
  return `${keyName(schema)} || '.' || ${keyName(name)}`;
}

/** SQL: the comment on an object, from `pg_description`. */
export function commentOf(catalog: string, oid: string, subid = '0'): string {
  return `(select d.description from pg_description d
    where d.objoid = ${oid} and d.classoid = '${catalog}'::regclass and d.objsubid = ${subid})`;
}

/** Runs a reader's query, by default with the excluded schemas as `$1`. */
export async function select<Row>(
  scope: Scope,
  sql: string,
  params: unknown[] = [scope.excluded],
): Promise<Row[]> {
  return (await scope.db.query<Row>(sql, params)).rows;
}

/** `{ owner }` when owners are recorded, else nothing, so entries stay comparable across databases. */
export function ownerField(scope: Scope, owner: string): { owner?: string } {
  return scope.owners ? { owner: scope.role(owner) } : {};
}

/** Whitespace runs collapsed, so a definition reads the same however the server indents it. */
export function collapse(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
