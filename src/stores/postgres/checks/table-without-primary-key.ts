// schema.table-without-primary-key: every table has a primary key.
import type { Check } from '../../../core/checks/check.js';
import { isUserSchema } from './app-role-ddl.js';
import type { PostgresCheckContext } from './context.js';

/** How many tables the details list; the summary gives the full count. */
const LISTED = 50;

// Logical replication cannot replicate updates and deletes of a table without a key, duplicate
// rows cannot be told apart or removed one at a time, and ORMs, CDC and admin tools expect one.
// Partitions are left out (the partitioned table is judged, and its key reaches them), and so are
// tables an extension owns, which the app cannot change. A table with a unique index over NOT NULL
// plain columns can promote it: ADD PRIMARY KEY USING INDEX takes no long lock and builds nothing.
const SQL = `
select format('%I.%I', n.nspname, c.relname) as table, c.relkind::text as relkind,
  case when c.reltuples >= 0 then c.reltuples::float8 end as estimated_rows,
  candidate.index as candidate
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join lateral (
  select quote_ident(ci.relname) as index
  from pg_index i
  join pg_class ci on ci.oid = i.indexrelid
  join pg_am am on am.oid = ci.relam
  where i.indrelid = c.oid and c.relkind = 'r' and i.indisunique and i.indisvalid and i.indpred is null
    -- what USING INDEX accepts: a plain b-tree in default order, immediate, no INCLUDE, no constraint
    and am.amname = 'btree' and i.indexprs is null and i.indimmediate and i.indnkeyatts = i.indnatts
    and 0 = all (string_to_array(i.indoption::text, ' ')::int2[])
    and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.conindid = i.indexrelid)
    and not exists (
      select 1 from pg_attribute a
      where a.attrelid = c.oid and a.attnum = any (i.indkey) and not a.attnotnull)
  order by i.indnkeyatts, ci.relname
  limit 1
) candidate on true
where c.relkind in ('r', 'p') and not c.relispartition and ${isUserSchema('n.nspname')}
  and not exists (select 1 from pg_constraint p where p.conrelid = c.oid and p.contype = 'p')
  and not exists (
    select 1 from pg_depend d
    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by n.nspname, c.relname`;

interface Row {
  table: string;
  relkind: string;
  estimated_rows: number | null;
  candidate: string | null;
}

function fixFor(row: Row): string {
  if (row.candidate) return `alter table ${row.table} add primary key using index ${row.candidate};`;
  return `alter table ${row.table} add primary key (<its key columns>);`;
}

export const tableWithoutPrimaryKey: Check<PostgresCheckContext> = {
  id: 'schema.table-without-primary-key',
  area: 'schema',
  title: 'Every table has a primary key',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const { rows } = await db.query<Row>(SQL);
    if (rows.length === 0) return { status: 'pass', summary: 'every table has a primary key' };
    const listed = rows.slice(0, LISTED);
    return {
      status: 'warn',
      summary: `${rows.length} table${rows.length === 1 ? ' has' : 's have'} no primary key, so logical replication, deduplication and many tools cannot address their rows: ${listed
        .slice(0, 5)
        .map((row) => row.table)
        .join(', ')}${rows.length > 5 ? ', …' : ''}`,
      details: {
        total: rows.length,
        tables: listed.map((row) => ({
          table: row.table,
          partitioned: row.relkind === 'p',
          estimatedRows: row.estimated_rows,
          ...(row.candidate ? { uniqueIndex: row.candidate } : {}),
          fix: fixFor(row),
        })),
        truncated: rows.length > LISTED,
      },
      fix: `${listed.map(fixFor).join(' ')}${rows.length > LISTED ? ` … and ${rows.length - LISTED} more` : ''} (with no natural key, add one: alter table … add column id bigint generated always as identity primary key, which rewrites the table under an exclusive lock)`,
    };
  },
};
