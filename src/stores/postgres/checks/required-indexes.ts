// schema.required-indexes: every index the config declares under schema.requiredIndexes exists and is usable.
import type { Check } from '../../../core/checks/check.js';
import type { RequiredIndex } from '../../../core/config/types.js';
import type { PostgresCheckContext } from './context.js';

export const NO_REQUIRED_INDEXES_SKIP =
  'no required indexes declared in the config; declare them under schema.requiredIndexes';

/** `table`, `schema.table`, or either part double-quoted as in SQL (`"My Schema"."Orders"`). */
const TABLE_NAME = /^(?:("(?:[^"]|"")+"|[^."]+)\.)?("(?:[^"]|"")+"|[^."]+)$/;

/**
 * The schema and table a config entry names. Unquoted parts are taken as written, not folded to
 * lower case: the config is data, and ORMs (Prisma, drizzle) name tables in mixed case.
 */
export function parseTableName(text: string): { schema: string; name: string } | undefined {
  const match = TABLE_NAME.exec(text.trim());
  if (!match) return undefined;
  const unquote = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part);
  return { schema: match[1] ? unquote(match[1]) : 'public', name: unquote(match[2]!) };
}

/**
 * The statement that creates an index without blocking writes. Postgres cannot build an index on a
 * partitioned table concurrently, so there the statement is the plain, locking one.
 */
export function createIndexStatement(
  table: string,
  columns: string,
  options: { unique?: boolean; partitioned?: boolean } = {},
): string {
  const unique = options.unique ? 'unique ' : '';
  const concurrently = options.partitioned ? '' : 'concurrently ';
  return `create ${unique}index ${concurrently}on ${table} (${columns});`;
}

// One query for all requirements, each found by name in the catalog. An index satisfies one when
// it is valid and ready, not partial, and its leading key columns are the required ones in order
// (an expression in their place does not count); a unique requirement also needs a unique index
// whose key columns are exactly those, since uniqueness over (a, b, c) says nothing about (a, b).
// Primary keys and unique constraints are unique indexes, so they count. Indexes that come close
// are reported with the reason they do not count.
const SQL = `
with req as (
  select r.ord, r.schema, r.name, r.columns, r.is_unique
  from jsonb_to_recordset($1::jsonb) as r(ord int, schema text, name text, columns text[], is_unique boolean)
),
target as (
  select req.*, c.oid as relid, c.relkind::text as relkind,
    format('%I.%I', req.schema, req.name) as quoted,
    (select string_agg(quote_ident(u.col), ', ' order by u.i)
       from unnest(req.columns) with ordinality u(col, i)) as quoted_columns
  from req
  left join (pg_class c join pg_namespace n on n.oid = c.relnamespace)
    on n.nspname = req.schema and c.relname = req.name and c.relkind in ('r', 'p', 'm')
),
resolved as (
  select t.*,
    array(select a.attnum from unnest(t.columns) with ordinality u(col, i)
      join pg_attribute a on a.attrelid = t.relid and a.attname = u.col and a.attnum > 0 and not a.attisdropped
      order by u.i)::int2[] as attnums,
    array(select u.col from unnest(t.columns) u(col) where not exists (
      select 1 from pg_attribute a
      where a.attrelid = t.relid and a.attname = u.col and a.attnum > 0 and not a.attisdropped))::text[] as missing_columns
  from target t
),
indexes as (
  select r.ord, i.indexrelid, ci.relname::text as index, i.indisvalid and i.indisready as usable,
    i.indpred is not null as partial, i.indisunique, i.indnkeyatts,
    (string_to_array(i.indkey::text, ' ')::int2[])[1:i.indnkeyatts] as keys
  from resolved r
  join pg_index i on i.indrelid = r.relid
  join pg_class ci on ci.oid = i.indexrelid
  where cardinality(r.missing_columns) = 0
)
select r.ord, r.relid is not null as table_found, r.relkind, r.quoted, r.quoted_columns, r.missing_columns,
  case when r.relid is null then (
    select string_agg(format('%I.%I', n2.nspname, c2.relname), ', ' order by n2.nspname, c2.relname)
    from pg_class c2 join pg_namespace n2 on n2.oid = c2.relnamespace
    where lower(c2.relname) = lower(r.name) and c2.relkind in ('r', 'p', 'm')
  ) end as similar,
  satisfied.index as satisfied_by,
  near.items as near
from resolved r
left join lateral (
  select x.index from indexes x
  where x.ord = r.ord and x.usable and not x.partial
    and cardinality(x.keys) >= cardinality(r.attnums) and x.keys[1:cardinality(r.attnums)] = r.attnums
    and (not r.is_unique or (x.indisunique and x.indnkeyatts = cardinality(r.attnums)))
  order by x.indisunique desc, x.index limit 1
) satisfied on true
left join lateral (
  select jsonb_agg(jsonb_build_object(
      'index', x.index,
      'definition', pg_get_indexdef(x.indexrelid),
      'reason', case
        when not x.usable then 'invalid: a CREATE INDEX CONCURRENTLY failed or is still running'
        when x.keys[1:cardinality(r.attnums)] = r.attnums and x.partial
          then 'partial (it has a WHERE clause), so it does not cover every row'
        when x.keys[1:cardinality(r.attnums)] = r.attnums and x.indisunique
          then 'unique over more columns, which does not make these unique'
        when x.keys[1:cardinality(r.attnums)] = r.attnums then 'not unique'
        else format('led by (%s), not by these columns in this order',
          array_to_string(array(select pg_get_indexdef(x.indexrelid, g, true)
            from generate_series(1, least(x.indnkeyatts, cardinality(r.attnums))) g), ', '))
      end) order by x.index) as items
  from indexes x
  where x.ord = r.ord and (
    x.keys @> r.attnums
    -- an expression index over these columns: its columns are known from its dependencies
    or (0 = any(x.keys) and r.attnums <@ array(
      select d.refobjsubid from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = x.indexrelid
        and d.refclassid = 'pg_class'::regclass and d.refobjid = r.relid)::int2[]))
) near on satisfied.index is null
order by r.ord`;

interface Row {
  ord: number;
  table_found: boolean;
  relkind: string | null;
  quoted: string;
  quoted_columns: string;
  missing_columns: string[];
  similar: string | null;
  satisfied_by: string | null;
  near: { index: string; definition: string; reason: string }[] | null;
}

interface Missing {
  table: string;
  columns: string[];
  unique: boolean;
  reason: string;
  /** Indexes on the table that come close, and why each does not count. */
  nearMisses?: { index: string; definition: string; reason: string }[];
  create?: string;
}

/** `orders (customer_id, created_at)`, unique marked: how a requirement reads in messages. */
function describe(required: RequiredIndex): string {
  return `${required.unique ? 'unique ' : ''}${required.table} (${required.columns.join(', ')})`;
}

export const requiredIndexes: Check<PostgresCheckContext> = {
  id: 'schema.required-indexes',
  area: 'schema',
  title: 'Every index the config requires exists and is valid',
  severity: 'fail',
  async run(ctx) {
    const required = ctx.project.config.schema?.requiredIndexes ?? [];
    if (required.length === 0) return { status: 'skip', summary: NO_REQUIRED_INDEXES_SKIP };
    const unreadable = required.filter((entry) => !parseTableName(entry.table));
    if (unreadable.length > 0) {
      return {
        status: 'fail',
        summary: `schema.requiredIndexes names ${unreadable.map((entry) => `"${entry.table}"`).join(', ')}, which is not a table name`,
        fix: 'write each table as `table` or `schema.table` (double-quote a part that contains a dot)',
      };
    }
    const requirements = required.map((entry, ord) => {
      const { schema, name } = parseTableName(entry.table)!;
      return { ord, schema, name, columns: entry.columns, is_unique: entry.unique === true };
    });
    const db = await ctx.postgres.db();
    const { rows } = await db.query<Row>(SQL, [JSON.stringify(requirements)]);

    const satisfied: { table: string; columns: string[]; unique: boolean; index: string }[] = [];
    const missing: Missing[] = [];
    for (const row of rows) {
      const entry = required[row.ord]!;
      const base = { table: entry.table, columns: entry.columns, unique: entry.unique === true };
      if (row.satisfied_by) {
        satisfied.push({ ...base, index: row.satisfied_by });
      } else if (!row.table_found) {
        const similar = row.similar ? `; did you mean ${row.similar}?` : '';
        missing.push({ ...base, reason: `table ${row.quoted} does not exist${similar}` });
      } else if (row.missing_columns.length > 0) {
        missing.push({
          ...base,
          reason: `${row.quoted} has no column${row.missing_columns.length === 1 ? '' : 's'} ${row.missing_columns.join(', ')}`,
        });
      } else {
        const nearMisses = row.near ?? [];
        missing.push({
          ...base,
          reason:
            nearMisses.length === 0
              ? 'no index on these columns'
              : nearMisses.map((near) => `${near.index} is ${near.reason}`).join('; '),
          ...(nearMisses.length > 0 ? { nearMisses } : {}),
          create: createIndexStatement(row.quoted, row.quoted_columns, {
            unique: entry.unique === true,
            partitioned: row.relkind === 'p',
          }),
        });
      }
    }

    if (missing.length === 0) {
      return {
        status: 'pass',
        summary: `all ${required.length} required index${required.length === 1 ? '' : 'es'} exist`,
        details: { satisfied },
      };
    }
    const creatable = missing.flatMap((entry) => (entry.create ? [entry.create] : []));
    const unfixable = missing.length - creatable.length;
    const fixes = [
      ...(creatable.length > 0 ? [creatable.join(' ')] : []),
      ...(unfixable > 0
        ? [
            `for a missing table or column, apply the pending migrations (launchdb migrate up --env ${ctx.env.name}) or correct schema.requiredIndexes in the config`,
          ]
        : []),
    ];
    return {
      status: 'fail',
      summary: `${missing.length} of ${required.length} required index${required.length === 1 ? ' is' : 'es are'} missing: ${missing
        .map((entry) => `${describe(entry)} (${entry.reason})`)
        .join('; ')}`,
      details: { missing, satisfied },
      fix: fixes.join('; '),
    };
  },
};
