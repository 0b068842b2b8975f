// Which tables are the app's: the ones whose rights the access checks and `access list` judge.
import { isUserSchema } from '../checks/app-role-ddl.js';
import { HISTORY_SOURCES } from '../migrate/adopt/index.js';

/** Tables that migration tools keep their history in: the tools' business, not the app's. */
export const HISTORY_TABLES = Object.values(HISTORY_SOURCES).flatMap((source) =>
  source.schemas.map((schema) => `${schema}.${source.table}`),
);

/**
 * A query of the app tables (`oid, relowner, nsp, schema, name, qualified, quoted_schema`), for a
 * CTE: what the scan and the app-role-ddl check call user schemas, but launchdb's own, extensions'
 * tables, partitions (reached through their parent) and tools' history tables, whose names are the
 * text[] parameter `historyParam` (`$2`), given HISTORY_TABLES.
 */
export function appTablesSql(historyParam: string): string {
  return `
  select c.oid, c.relowner, n.oid as nsp, n.nspname as schema, c.relname as name,
    format('%I.%I', n.nspname, c.relname) as qualified, quote_ident(n.nspname) as quoted_schema
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and not c.relispartition
    and ${isUserSchema('n.nspname')} and n.nspname <> 'launchdb'
    and n.nspname || '.' || c.relname <> all (${historyParam}::text[])
    and not exists (
      select 1 from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;
}

/**
 * SQL for the rights `role` holds on `table` (both SQL expressions), as Postgres resolves them
 * (memberships it inherits, PUBLIC, pg_read_all_data…): a text[] in the order of SELECT, INSERT,
 * UPDATE, DELETE. SELECT, INSERT and UPDATE count when granted on any column.
 */
export function heldRightsSql(role: string, table: string): string {
  return `array_remove(array[
    case when has_any_column_privilege(${role}, ${table}, 'SELECT') then 'SELECT' end,
    case when has_any_column_privilege(${role}, ${table}, 'INSERT') then 'INSERT' end,
    case when has_any_column_privilege(${role}, ${table}, 'UPDATE') then 'UPDATE' end,
    case when has_table_privilege(${role}, ${table}, 'DELETE') then 'DELETE' end], null)::text[]`;
}
