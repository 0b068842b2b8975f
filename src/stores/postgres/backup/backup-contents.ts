// What a backup copies: every table with storage and every sequence's position, read in the snapshot.
import type { Queryable } from '../database.js';
import { keyName } from '../schema/snapshot-scope.js';

export interface TableToCopy {
  /** The snapshot's key for it. */
  name: string;
  qualified: string;
  columns: string[];
  /** Pages on disk, to copy the largest first. */
  pages: number;
}

const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname not like 'pg_temp_%' and n.nspname not like 'pg_toast_temp_%'`;

/** Ordinary tables (partitions included, partitioned parents and foreign tables have no rows of their own). */
export async function tablesToCopy(db: Queryable): Promise<TableToCopy[]> {
  const { rows } = await db.query<{
    name: string;
    qualified: string;
    columns: string[] | null;
    pages: number;
  }>(
    `select ${keyName('n.nspname')} || '.' || ${keyName('c.relname')} as name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified,
       (select array_agg(quote_ident(a.attname) order by a.attnum) from pg_attribute a
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
       c.relpages::int as pages
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and ${SYSTEM_SCHEMAS}
       and not exists (select 1 from pg_depend e where e.classid = 'pg_class'::regclass
         and e.objid = c.oid and e.deptype = 'e')
     order by c.relpages desc, 1`,
  );
  return rows.map((row) => ({ ...row, columns: row.columns ?? [] }));
}

export interface SequencePosition {
  qualified: string;
  lastValue: string;
  isCalled: boolean;
}

/** Where every sequence stands; restore sets each with `setval`. */
export async function sequencePositions(db: Queryable): Promise<SequencePosition[]> {
  const { rows } = await db.query<{ qualified: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'S' and ${SYSTEM_SCHEMAS}
       and not exists (select 1 from pg_depend e where e.classid = 'pg_class'::regclass
         and e.objid = c.oid and e.deptype = 'e')
     order by 1`,
  );
  if (rows.length === 0) return [];
  const reads = rows.map(
    (row, i) => `select ${i} as i, last_value::text as last_value, is_called from ${row.qualified}`,
  );
  const { rows: values } = await db.query<{ i: number; last_value: string; is_called: boolean }>(
    reads.join(' union all '),
  );
  return values
    .sort((a, b) => a.i - b.i)
    .map((value) => ({
      qualified: rows[value.i]?.qualified ?? '',
      lastValue: value.last_value,
      isCalled: value.is_called,
    }));
}
