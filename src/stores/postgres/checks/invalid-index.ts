// schema.invalid-index: no index is left invalid, as a failed CREATE INDEX CONCURRENTLY leaves one.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

// An invalid index is never used by queries, yet every write still updates it (once it is ready):
// all cost, no benefit, and a unique one enforces nothing. A build running right now is invalid
// too, so one that pg_stat_progress_create_index shows in progress is reported apart, not failed.
// Other sessions' temporary schemas are left out: their relations cannot be inspected from here.
const SQL = `
select n.nspname as schema, ci.relname as index, format('%I.%I', n.nspname, ci.relname) as quoted,
  format('%I.%I', tn.nspname, ct.relname) as table, ci.relkind::text as relkind, i.indisunique as unique,
  i.indisready as ready, pg_get_indexdef(i.indexrelid) as definition,
  exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid) as building
from pg_index i
join pg_class ci on ci.oid = i.indexrelid
join pg_namespace n on n.oid = ci.relnamespace
join pg_class ct on ct.oid = i.indrelid
join pg_namespace tn on tn.oid = ct.relnamespace
where not i.indisvalid and not pg_is_other_temp_schema(n.oid)
order by n.nspname, ci.relname`;

interface Row {
  schema: string;
  index: string;
  quoted: string;
  table: string;
  relkind: string;
  unique: boolean;
  ready: boolean;
  definition: string;
  building: boolean;
}

/** Leftovers of a failed REINDEX CONCURRENTLY: the original index is still there, so these only go. */
const REINDEX_LEFTOVER = /_cc(new|old)\d*$/;

/** How to repair one invalid index. */
function repair(row: Row): string {
  if (row.relkind === 'I') {
    // A partitioned index is invalid until every partition has a matching index attached.
    return `create the missing index on each partition of ${row.table} and attach it: alter index ${row.quoted} attach partition <partition's index>;`;
  }
  const drop = `drop index concurrently ${row.quoted};`;
  if (REINDEX_LEFTOVER.test(row.index)) return drop;
  const create = row.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
  return `${drop} ${create};`;
}

export const invalidIndex: Check<PostgresCheckContext> = {
  id: 'schema.invalid-index',
  area: 'schema',
  title: 'No index is left invalid by a failed concurrent build',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const { rows } = await db.query<Row>(SQL);
    const building = rows.filter((row) => row.building);
    const invalid = rows.filter((row) => !row.building);
    const inProgress =
      building.length > 0 ? ` (${building.map((row) => row.quoted).join(', ')} being built right now)` : '';
    if (invalid.length === 0) {
      return {
        status: 'pass',
        summary: `no invalid index${inProgress}`,
        ...(building.length > 0 ? { details: { building: building.map((row) => row.quoted) } } : {}),
      };
    }
    const uniques = invalid.some((row) => row.unique);
    return {
      status: 'fail',
      summary: `${invalid.length} invalid index${invalid.length === 1 ? '' : 'es'}, unused by queries yet updated by writes: ${invalid.map((row) => `${row.quoted} on ${row.table}`).join(', ')}${inProgress}`,
      details: {
        invalid: invalid.map(({ quoted, table, unique, ready, definition }) => ({
          index: quoted,
          table,
          unique,
          ready,
          definition,
        })),
        ...(building.length > 0 ? { building: building.map((row) => row.quoted) } : {}),
      },
      fix: `${uniques ? 'a unique build fails on duplicate rows: remove them first; then ' : ''}${invalid.map(repair).join(' ')}`,
    };
  },
};
