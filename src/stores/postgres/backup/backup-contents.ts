// What a backup copies: every table with storage and every sequence's position, read in the snapshot.
import type { Queryable } from '../database.js';
import { keyName, notInExtension, notSystemSchema } from '../schema/snapshot-scope.js';
import type { SequenceValue } from './manifest.js';

export interface TableToCopy {
  /** The snapshot's key for it. */
  name: string;
  qualified: string;
  columns: string[];
  /** Pages on disk, to copy the largest first. */
  pages: number;
}

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
     where c.relkind = 'r' and ${notSystemSchema()} and ${notInExtension('pg_class', 'c.oid')}
     order by c.relpages desc, 1`,
  );
  return rows.map((row) => ({ ...row, columns: row.columns ?? [] }));
}

/** Where every sequence stands; restore sets each with `setval`. */
export async function sequencePositions(db: Queryable): Promise<SequenceValue[]> {
  const { rows } = await db.query<{ qualified: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'S' and ${notSystemSchema()} and ${notInExtension('pg_class', 'c.oid')}
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

/** One COPY of a backup: a whole table, or one range of pages of a large one. */
export interface CopyJob {
  table: TableToCopy;
  /** Index of the table in the backup. */
  index: number;
  part: number;
  parts: number;
  /** `ctid` bounds of the range, or null for the whole table. */
  where: string | null;
}

/** Tables above this many pages (128 MB) are copied in ranges when several workers copy. */
export const RANGE_PAGES = 16_384;
const MAX_PARTS = 8;

/**
 * The copies to make, largest tables first. With several workers a large table is cut into
 * consecutive ranges of pages (a TID range scan each), so the workers share it; read one after the
 * other, the ranges give the table's rows in its own order.
 */
export function copyJobs(
  tables: readonly TableToCopy[],
  workers: number,
  rangePages = RANGE_PAGES,
): CopyJob[] {
  const jobs: CopyJob[] = [];
  tables.forEach((table, index) => {
    const parts =
      workers > 1 && table.pages > rangePages ? Math.min(MAX_PARTS, Math.ceil(table.pages / rangePages)) : 1;
    for (let part = 0; part < parts; part++) {
      const low = Math.floor((table.pages * part) / parts);
      const high = Math.floor((table.pages * (part + 1)) / parts);
      const bounds = [
        part > 0 ? `ctid >= '(${low},0)'::tid` : null,
        // The last range is open: the table may have grown since its page count was taken.
        part < parts - 1 ? `ctid < '(${high},0)'::tid` : null,
      ].filter(Boolean);
      jobs.push({ table, index, part, parts, where: bounds.length > 0 ? bounds.join(' and ') : null });
    }
  });
  return jobs;
}
