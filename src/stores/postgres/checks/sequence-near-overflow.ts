// schema.sequence-near-overflow: no sequence is close to the last value it, or the column it fills, can hold.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

export const WARN_AT = 0.85;
export const FAIL_AT = 0.95;

/** How many sequences the details list besides those at or over WARN_AT, which are all listed. */
const LISTED = 20;

// A sequence is bounded by its own maximum and by the type of every column it fills: a bigint
// sequence behind an integer column (a serial created before Postgres 10, a column narrowed, a
// hand-made OWNED BY) fails inserts at 2^31 - 1 while pg_sequences shows it nearly empty. Columns
// are found through pg_depend: 'a' links a sequence to the column that owns it (serial, OWNED BY),
// 'i' to its identity column, and a column default that calls nextval depends on the sequence.
// Descending sequences are measured toward their floor the same way. The last value is read with
// pg_sequence_last_value, as pg_sequences does: null for a sequence never used (0%) and, without
// a SELECT or USAGE grant, unreadable, which is reported rather than guessed.
const SQL = `
with feeds as (
  select d.objid as seq, d.refobjid as rel, d.refobjsubid as attnum
  from pg_depend d join pg_sequence s on s.seqrelid = d.objid
  where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
    and d.deptype in ('a', 'i') and d.refobjsubid > 0
  union
  select d.refobjid, ad.adrelid, ad.adnum
  from pg_depend d
  join pg_sequence s on s.seqrelid = d.refobjid
  join pg_attrdef ad on ad.oid = d.objid
  where d.classid = 'pg_attrdef'::regclass and d.refclassid = 'pg_class'::regclass
),
fed as (
  select f.seq, format('%I.%I', n.nspname, c.relname) as table_name, quote_ident(a.attname) as column_name,
    format_type(a.atttypid, a.atttypmod) as type, b.lo, b.hi,
    -- the column whose type bounds the sequence most tightly, going up and going down
    row_number() over (partition by f.seq order by b.hi nulls last, c.relname, a.attname) as up_rank,
    row_number() over (partition by f.seq order by b.lo desc nulls last, c.relname, a.attname) as down_rank
  from feeds f
  join pg_attribute a on a.attrelid = f.rel and a.attnum = f.attnum and not a.attisdropped
  join pg_class c on c.oid = f.rel
  join pg_namespace n on n.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
  left join (values
    ('int2'::regtype::oid, -32768::numeric, 32767::numeric),
    ('int4'::regtype::oid, -2147483648::numeric, 2147483647::numeric),
    ('int8'::regtype::oid, -9223372036854775808::numeric, 9223372036854775807::numeric)
  ) b (typ, lo, hi) on b.typ = case when t.typtype = 'd' then t.typbasetype else t.oid end
),
everyone as (
  select seq, array_agg(table_name || '.' || column_name order by table_name, column_name) as columns
  from fed group by seq
),
sequences as (
  select s.seqrelid, format('%I.%I', n.nspname, c.relname) as sequence, format_type(s.seqtypid, null) as type,
    s.seqincrement > 0 as ascending, s.seqcycle as cycles, s.seqmin::numeric as seq_lo, s.seqmax::numeric as seq_hi,
    has_sequence_privilege(c.oid, 'SELECT,USAGE') as readable
  from pg_sequence s
  join pg_class c on c.oid = s.seqrelid
  join pg_namespace n on n.oid = c.relnamespace
  -- launchdb's own (the canary's identity) are not the app's, and the app role may not read them
  where not pg_is_other_temp_schema(n.oid) and n.nspname <> 'launchdb'
),
judged as (
  select q.*,
    case when q.readable then pg_sequence_last_value(q.seqrelid)::numeric end as last,
    binding.table_name as column_table, binding.column_name, binding.type as column_type,
    case when q.ascending then binding.hi < q.seq_hi else binding.lo > q.seq_lo end as column_binds,
    case when q.ascending then binding.hi < 9223372036854775807 else binding.lo > -9223372036854775808 end
      as column_narrow,
    least(q.seq_hi, binding.hi) as hi, greatest(q.seq_lo, binding.lo) as lo,
    coalesce(everyone.columns, '{}') as columns
  from sequences q
  left join fed binding
    on binding.seq = q.seqrelid and case when q.ascending then binding.up_rank else binding.down_rank end = 1
  left join everyone on everyone.seq = q.seqrelid
)
select sequence, type, ascending, cycles, readable, column_table, column_name, column_type,
  coalesce(column_binds, false) as column_binds, coalesce(column_narrow, false) as column_narrow,
  columns::text[] as columns,
  last::text as last_value, (case when ascending then hi else lo end)::text as limit_value,
  case when last is null then 0 else
    (case when ascending then last - lo else hi - last end / nullif(hi - lo, 0))::float8
  end as used
from judged
order by used desc nulls last, sequence`;

interface Row {
  sequence: string;
  type: string;
  ascending: boolean;
  cycles: boolean;
  readable: boolean;
  column_table: string | null;
  column_name: string | null;
  column_type: string | null;
  column_binds: boolean;
  /** The column's type is narrower than bigint. */
  column_narrow: boolean;
  columns: string[];
  last_value: string | null;
  limit_value: string;
  used: number | null;
}

/** One decimal, rounded down, so 84.99% never reads as 85.0% beside a pass. */
function percent(used: number): string {
  return `${(Math.floor(used * 1000) / 10).toFixed(1)}%`;
}

/** The limits of bigint, which no ALTER widens. */
const BIGINT_LIMITS = new Set(['9223372036854775807', '-9223372036854775808']);

/** What widens the bound that is about to be hit: the column's type, the sequence's, or both. */
function widen(row: Row): string {
  const statements: string[] = [];
  if (row.column_narrow && row.column_table && row.column_name) {
    statements.push(`alter table ${row.column_table} alter column ${row.column_name} type bigint;`);
  }
  if (row.type !== 'bigint') statements.push(`alter sequence ${row.sequence} as bigint;`);
  else if (!row.column_binds && !BIGINT_LIMITS.has(row.limit_value)) {
    statements.push(`alter sequence ${row.sequence} ${row.ascending ? 'no maxvalue' : 'no minvalue'};`);
  }
  if (statements.length === 0)
    return `${row.sequence} nears the limit of bigint itself: move its key to uuid or numeric;`;
  return statements.join(' ');
}

export const sequenceNearOverflow: Check<PostgresCheckContext> = {
  id: 'schema.sequence-near-overflow',
  area: 'schema',
  title: 'No sequence is close to the largest value it or its column can hold',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const { rows } = await db.query<Row>(SQL);
    if (rows.length === 0) return { status: 'pass', summary: 'no sequences' };
    const unreadable = rows.filter((row) => !row.readable);
    // A cycling sequence bounded only by itself wraps around instead of failing.
    const wraps = (row: Row) => row.cycles && !row.column_binds;
    const judged = rows.filter((row) => row.readable && !wraps(row));
    const failing = judged.filter((row) => (row.used ?? 0) >= FAIL_AT);
    const warning = judged.filter((row) => (row.used ?? 0) >= WARN_AT && (row.used ?? 0) < FAIL_AT);
    const flagged = [...failing, ...warning];
    const others = rows.filter((row) => !flagged.includes(row)).slice(0, LISTED);
    const describe = (row: Row) => ({
      sequence: row.sequence,
      type: row.type,
      percent: row.readable ? percent(row.used ?? 0) : null,
      lastValue: row.last_value,
      limit: row.limit_value,
      limitedBy:
        row.column_binds && row.column_table && row.column_name
          ? `column ${row.column_table}.${row.column_name} (${row.column_type})`
          : `sequence (${row.type})`,
      columns: row.columns,
      ...(row.readable ? {} : { unreadable: true }),
      ...(wraps(row) ? { cycles: true } : {}),
    });
    const details = {
      total: rows.length,
      sequences: [...flagged, ...others].map(describe),
      truncated: rows.length > flagged.length + others.length,
      ...(unreadable.length > 0 ? { unreadable: unreadable.map((row) => row.sequence) } : {}),
    };
    const notRead =
      unreadable.length > 0
        ? `; ${unreadable.length} could not be read (grant the app usage on them): ${unreadable.map((row) => row.sequence).join(', ')}`
        : '';
    if (flagged.length === 0) {
      const top = judged[0];
      return {
        status: 'pass',
        summary: `${judged.length} sequence${judged.length === 1 ? '' : 's'} below ${WARN_AT * 100}% of ${judged.length === 1 ? 'its' : 'their'} limit${top ? `; the fullest, ${top.sequence}, at ${percent(top.used ?? 0)}` : ''}${notRead}`,
        details,
      };
    }
    const named = (row: Row) =>
      `${row.sequence} at ${percent(row.used ?? 0)} of ${row.limit_value}${row.column_binds ? ` (the ${row.column_type} column ${row.column_table}.${row.column_name})` : ''}`;
    return {
      status: failing.length > 0 ? 'fail' : 'warn',
      summary: `${flagged.length} sequence${flagged.length === 1 ? ' is' : 's are'} near overflow: ${flagged.map(named).join(', ')}${notRead}`,
      details,
      fix: `widen them before inserts fail: ${flagged.map(widen).join(' ')}${
        flagged.some((row) => row.column_narrow)
          ? " (altering a column's type rewrites the table under an exclusive lock: plan it)"
          : ''
      }`,
    };
  },
};
