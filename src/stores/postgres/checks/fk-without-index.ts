// schema.fk-without-index: every foreign key's referencing columns lead some index on their table.
import type { Check } from '../../../core/checks/check.js';
import { isUserSchema } from './app-role-ddl.js';
import type { PostgresCheckContext } from './context.js';
import { createIndexStatement } from './required-indexes.js';

/** How many foreign keys the details list; the summary gives the full count. */
const LISTED = 50;

// Without such an index, each delete or key update on the referenced table scans the referencing
// table (under lock) to find dependent rows, and joins along the key scan too. An index serves when
// its first key columns are the foreign key's columns in any order; it must be valid (a build in
// progress or failed does not serve) and not partial (the lookup needs every row).
// Constraints cloned onto partitions (conparentid <> 0) are judged once, on the partitioned table.
const SQL = `
select format('%I.%I', n.nspname, c.relname) as table, co.conname::text as constraint, c.relkind::text as relkind,
  format('%I.%I', rn.nspname, rc.relname) as references,
  array(select a.attname::text from unnest(co.conkey) with ordinality k(attnum, i)
    join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum order by k.i)::text[] as columns,
  (select string_agg(quote_ident(a.attname), ', ' order by k.i) from unnest(co.conkey) with ordinality k(attnum, i)
    join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum) as quoted_columns,
  -- -1 until the table is first analyzed: unknown, not empty
  case when c.reltuples >= 0 then c.reltuples::float8 end as estimated_rows
from pg_constraint co
join pg_class c on c.oid = co.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class rc on rc.oid = co.confrelid
join pg_namespace rn on rn.oid = rc.relnamespace
where co.contype = 'f' and co.conparentid = 0 and ${isUserSchema('n.nspname')}
  and not exists (
    select 1 from pg_index i
    where i.indrelid = co.conrelid and i.indisvalid and i.indpred is null
      and i.indnkeyatts >= cardinality(co.conkey)
      and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(co.conkey)] @> co.conkey)
order by n.nspname, c.relname, co.conname`;

interface Row {
  table: string;
  constraint: string;
  relkind: string;
  references: string;
  columns: string[];
  quoted_columns: string;
  estimated_rows: number | null;
}

export const fkWithoutIndex: Check<PostgresCheckContext> = {
  id: 'schema.fk-without-index',
  area: 'schema',
  title: 'Every foreign key is backed by an index on its referencing columns',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const { rows } = await db.query<Row>(SQL);
    if (rows.length === 0) {
      return { status: 'pass', summary: 'every foreign key has an index on its referencing columns' };
    }
    const listed = rows.slice(0, LISTED);
    const statements = listed.map((row) =>
      createIndexStatement(row.table, row.quoted_columns, { partitioned: row.relkind === 'p' }),
    );
    return {
      status: 'warn',
      summary: `${rows.length} foreign key${rows.length === 1 ? ' has' : 's have'} no index on the referencing columns, so deletes and key updates on the referenced table scan: ${listed
        .slice(0, 5)
        .map((row) => `${row.table} (${row.columns.join(', ')})`)
        .join(', ')}${rows.length > 5 ? ', …' : ''}`,
      details: {
        total: rows.length,
        foreignKeys: listed.map((row, index) => ({
          table: row.table,
          constraint: row.constraint,
          columns: row.columns,
          references: row.references,
          estimatedRows: row.estimated_rows,
          create: statements[index],
        })),
        truncated: rows.length > LISTED,
      },
      fix:
        statements.join(' ') + (rows.length > LISTED ? ` … and ${rows.length - LISTED} more like these` : ''),
    };
  },
};
