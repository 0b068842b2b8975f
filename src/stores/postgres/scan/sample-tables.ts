// Which tables and columns a scan reads, and the bounded queries that read them.
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';

export interface ScanColumn {
  name: string;
  /** `json` or `jsonb` (or a domain over one): every string inside is a value. */
  json: boolean;
}

export interface ScanTable {
  schema: string;
  name: string;
  /** How findings name it: `users`, or `billing.invoices` outside schema public. */
  label: string;
  columns: ScanColumn[];
  /** The planner's estimate, scaled to the table's current size as the planner scales it. */
  estimatedRows: number;
  /** Heap pages now: the unit of a full scan's chunks. */
  pages: number;
  /** Row-level security hides rows from the role reading: it sees only what the app sees. */
  rowSecurity: boolean;
}

/** A table, or some of its columns, the role reading may not read: the scan cannot vouch for it. */
export interface UnreadTable {
  table: string;
  error: string;
  /** The statement that lets the role reading read it (run as the table's owner). */
  grant?: string;
}

export interface ScanCatalog {
  tables: ScanTable[];
  /** Tables `scan.exclude` names. */
  skipped: { table: string; reason: string }[];
  /** Tables with text columns, or such columns, the role reading may not read. */
  unreadable: UnreadTable[];
  /** The role reading: whose privileges decide what the scan sees. */
  reader: string;
  /** Entries of `scan.exclude` that name no table: most likely a typo. */
  unknownExcludes: string[];
  /** Page ranges can be read by `ctid` (a TID range scan, Postgres 14 and later). */
  tidRanges: boolean;
}

export type ReadMethod = 'full' | 'tablesample' | 'first-rows';

/** One query of a table's read; a full scan of a large table is several, by page range. */
export interface TableRead {
  sql: string;
  /** The query asks for one row more than the cap, to tell a capped read from a complete one. */
  cap?: number;
}

export interface ReadPlan {
  method: ReadMethod;
  reads: TableRead[];
  /** The share of pages TABLESAMPLE SYSTEM reads, in percent. */
  percent?: number;
}

/** Sampling reads a little more than the cap, as page sampling returns a varying number of rows. */
const SAMPLE_MARGIN = 1.5;
/**
 * Pages TABLESAMPLE SYSTEM reads at least, on average: it picks each page by chance, so a table
 * of few pages sampled at a low rate could yield none at all (with 16, one time in ten million).
 */
const MIN_SAMPLE_PAGES = 16;
/**
 * Pages per query of a full scan: 1 MB. Short for the app role's statement_timeout, and small enough
 * that each result's rows die young in launchdb's heap: measured on a 1,000,000-row table, 128 pages
 * read 1.5× faster than 1,024 (garbage collection) and faster than 64 (round trips).
 */
export const CHUNK_PAGES = 128;

// Columns by type, a domain resolved to its base type; tables the app owns: not system schemas,
// not launchdb's own, not an extension's (postgis's spatial_ref_sys). Partitions are scanned, not
// their partitioned parents, which hold no rows.
const CATALOG_SQL = `
with recursive col as (
  select a.attrelid, a.attnum, a.attname, a.atttypid as typid
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
    and n.nspname not like 'pg\\_%' and n.nspname not in ('information_schema', 'launchdb')
    and not exists (
      select 1 from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  union all
  select col.attrelid, col.attnum, col.attname, t.typbasetype
  from col join pg_type t on t.oid = col.typid
  where t.typtype = 'd'
)
select n.nspname as schema, c.relname as name,
  c.reltuples::float8 as reltuples, c.relpages::float8 as relpages,
  (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 as pages,
  c.relrowsecurity and not r.rolsuper and not r.rolbypassrls
    and (c.relforcerowsecurity or not pg_has_role(c.relowner, 'usage')) as row_security,
  json_agg(json_build_object(
      'name', col.attname,
      'json', t.oid in ('json'::regtype, 'jsonb'::regtype),
      'readable', has_column_privilege(c.oid, col.attnum, 'select'),
      'quoted', quote_ident(col.attname))
    order by col.attnum) as columns,
  format('%I.%I', n.nspname, c.relname) as qualified,
  current_setting('server_version_num')::int >= 140000 as tid_ranges
from col
join pg_type t on t.oid = col.typid
join pg_class c on c.oid = col.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_roles r on r.rolname = current_user
where t.oid in ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'json'::regtype, 'jsonb'::regtype)
   or t.typname = 'citext'
group by n.nspname, c.relname, c.oid, r.rolsuper, r.rolbypassrls
order by n.nspname, c.relname`;

interface CatalogRow {
  schema: string;
  name: string;
  reltuples: number;
  relpages: number;
  pages: number;
  row_security: boolean;
  columns: CatalogColumn[] | string;
  qualified: string;
  tid_ranges: boolean;
}

type CatalogColumn = ScanColumn & { readable: boolean; quoted: string };

/** `users`, or `billing.invoices`: how findings and the config name a table. */
export function tableLabel(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

/** `audit_log` names that table in any schema; `schema.table`, the one. */
export function namesTable(entry: string, schema: string, name: string): boolean {
  const dot = entry.lastIndexOf('.');
  return dot === -1 ? entry === name : entry.slice(0, dot) === schema && entry.slice(dot + 1) === name;
}

/** The app's tables that have text or JSON columns, with what the role reading may see of them. */
export async function scanCatalog(db: Queryable, exclude: readonly string[] = []): Promise<ScanCatalog> {
  const { rows } = await db.query<CatalogRow>(CATALOG_SQL);
  const [reader] = (
    await db.query<{ name: string; quoted: string }>(
      'select current_user::text as name, quote_ident(current_user) as quoted',
    )
  ).rows;
  const tables: ScanTable[] = [];
  const skipped: ScanCatalog['skipped'] = [];
  const unreadable: UnreadTable[] = [];
  const used = new Set<string>();
  for (const row of rows) {
    const label = tableLabel(row.schema, row.name);
    const excludedBy = exclude.find((entry) => namesTable(entry, row.schema, row.name));
    if (excludedBy) {
      used.add(excludedBy);
      skipped.push({ table: label, reason: 'excluded by scan.exclude' });
      continue;
    }
    const columns: CatalogColumn[] = typeof row.columns === 'string' ? JSON.parse(row.columns) : row.columns;
    const readable = columns.filter((column) => column.readable);
    const hidden = columns.filter((column) => !column.readable);
    if (hidden.length > 0) {
      const whole = readable.length === 0;
      const what = whole
        ? 'it'
        : `column${hidden.length === 1 ? '' : 's'} ${hidden.map((column) => column.name).join(', ')}`;
      const list = whole ? '' : ` (${hidden.map((column) => column.quoted).join(', ')})`;
      unreadable.push({
        table: label,
        error: `${reader!.name} may not read ${what} (no SELECT privilege)`,
        grant: `grant select${list} on ${row.qualified} to ${reader!.quoted};`,
      });
      if (whole) continue;
    }
    const scanned = readable.map(({ name, json }) => ({ name, json }));
    tables.push({
      schema: row.schema,
      name: row.name,
      label,
      columns: scanned,
      estimatedRows: await estimateRows(db, row, scanned),
      pages: Number(row.pages),
      rowSecurity: row.row_security,
    });
  }
  return {
    tables,
    skipped,
    unreadable,
    reader: reader!.name,
    unknownExcludes: exclude.filter(
      (entry) => !used.has(entry) && !rows.some((row) => namesTable(entry, row.schema, row.name)),
    ),
    tidRanges: rows[0]?.tid_ranges ?? true,
  };
}

/**
 * The row count the planner would assume: its statistics scaled to the table's current pages, or,
 * for a table never analysed (reltuples −1), the planner's own guess from its size.
 */
async function estimateRows(db: Queryable, row: CatalogRow, columns: ScanColumn[]): Promise<number> {
  const [tuples, relpages, pages] = [Number(row.reltuples), Number(row.relpages), Number(row.pages)];
  if (pages === 0) return 0;
  if (tuples >= 0 && relpages > 0) return Math.round((tuples / relpages) * pages);
  try {
    const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(
      `explain (format json) ${selectFrom({ schema: row.schema, name: row.name, columns })}`,
    );
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as {
      Plan: { 'Plan Rows': number };
    }[];
    return Math.round(parsed[0]?.Plan['Plan Rows'] ?? 0);
  } catch {
    // No estimate: the table is read as a small one, capped, and reported as capped if it was not.
    return 0;
  }
}

/** The query reading a table's scanned columns, aliased `c0`, `c1`…: names of any case or length are safe. */
function selectFrom(table: Pick<ScanTable, 'schema' | 'name' | 'columns'>): string {
  const columns = table.columns.map((column, i) => `${quoteIdent(column.name)} as c${i}`).join(', ');
  return `select ${columns} from ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * How a table is read. With a cap: a table estimated within it is read whole (the query still
 * capped, in case the estimate is stale), a larger one is sampled by pages with TABLESAMPLE SYSTEM
 * and capped at random. `full` reads every row, a large table in page ranges so no query runs long.
 */
export function readPlan(
  table: ScanTable,
  options: { rowsPerTable: number; full: boolean; tidRanges: boolean },
): ReadPlan {
  const select = selectFrom(table);
  if (options.full) {
    if (!options.tidRanges || table.pages <= CHUNK_PAGES) return { method: 'full', reads: [{ sql: select }] };
    const reads: TableRead[] = [];
    for (let start = 0; start < table.pages; start += CHUNK_PAGES) {
      // The last range is open-ended: rows added since the page count was read are read too.
      const end = start + CHUNK_PAGES < table.pages ? ` and ctid < '(${start + CHUNK_PAGES},0)'::tid` : '';
      reads.push({ sql: `${select} where ctid >= '(${start},0)'::tid${end}` });
    }
    return { method: 'full', reads };
  }
  const cap = options.rowsPerTable;
  const percent = Math.max(
    (100 * cap * SAMPLE_MARGIN) / Math.max(table.estimatedRows, 1),
    (100 * MIN_SAMPLE_PAGES) / Math.max(table.pages, 1),
  );
  // Within the cap, or too few pages to sample: read whole, still capped in case the estimate is stale.
  if (table.estimatedRows <= cap || percent >= 100) {
    return { method: 'full', reads: [{ sql: `${select} limit ${cap + 1}`, cap }] };
  }
  // Three significant digits are plenty for a share of pages, and read well in the plan.
  const literal = Number(percent.toPrecision(3)).toString();
  return {
    method: 'tablesample',
    percent: Number(literal),
    // Random order before the cap: SYSTEM returns the sampled pages in table order, and a plain LIMIT
    // would keep the first of them, never the table's end, where recent inserts and updates land.
    reads: [{ sql: `${select} tablesample system (${literal}) order by random() limit ${cap}` }],
  };
}
