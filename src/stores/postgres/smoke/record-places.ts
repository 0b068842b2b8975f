// Where a smoke spec's records place (a table and column holding the run id) is in one database: its
// SQL names, or why it cannot be read there. A name resolves exactly as written when such a table
// exists (Prisma's "Order"), else folded to lower case as Postgres reads an unquoted name.
import type { RecordPlace } from '../../../smoke/spec.js';
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';

export interface ResolvedPlace {
  place: RecordPlace;
  /** `orders.reference`, as the spec writes it: what sentences name. */
  label: string;
  /** The table as SQL (`orders`, `shop."Order"`) and its oid; set when the place can be read. */
  relation?: string;
  oid?: number;
  /** The column as SQL. */
  column?: string;
  /** A table (or partitioned table): rows there carry the transaction id that wrote them. */
  heap?: boolean;
  /** Why the place cannot be read in this database; not an error, a fact about the database. */
  missing?: string;
}

const RESOLVE = `
select c.oid::int8 as oid, c.oid::regclass::text as relation, c.relkind in ('r', 'p') as heap,
       a.attname as column_name, quote_ident(a.attname) as column,
       a.attname is not null and has_column_privilege(c.oid, a.attname, 'SELECT') as readable
  from pg_class c
  left join lateral (
    select attname from pg_attribute
     where attrelid = c.oid and attnum > 0 and not attisdropped and attname in ($3, $4)
     order by attname = $3 desc limit 1
  ) a on true
 where c.oid = coalesce(to_regclass($1), to_regclass($2))`;

export function placeLabel(place: RecordPlace): string {
  return `${place.table}.${place.column}`;
}

export async function resolvePlace(db: Queryable, place: RecordPlace): Promise<ResolvedPlace> {
  const label = placeLabel(place);
  const parts = place.table.split('.');
  const { rows } = await db.query<{
    oid: string | number;
    relation: string;
    heap: boolean;
    column_name: string | null;
    column: string | null;
    readable: boolean;
  }>(RESOLVE, [
    parts.map(quoteIdent).join('.'),
    parts.map((part) => quoteIdent(part.toLowerCase())).join('.'),
    place.column,
    place.column.toLowerCase(),
  ]);
  const found = rows[0];
  if (!found) return { place, label, missing: `there is no table ${place.table}` };
  if (!found.column)
    return { place, label, missing: `table ${found.relation} has no column ${place.column}` };
  if (!found.readable) {
    const { rows: who } = await db.query<{ role: string }>('select current_user as role');
    return { place, label, missing: `${who[0]?.role} may not read ${found.relation}.${found.column}` };
  }
  return {
    place,
    label,
    relation: found.relation,
    oid: Number(found.oid),
    column: found.column,
    heap: found.heap,
  };
}

export async function resolvePlaces(db: Queryable, places: readonly RecordPlace[]): Promise<ResolvedPlace[]> {
  const resolved: ResolvedPlace[] = [];
  for (const place of places) resolved.push(await resolvePlace(db, place));
  return resolved;
}

/** The condition a row carrying `runId` (given as `$n`) meets, in any column type. */
export function carriesRunId(place: ResolvedPlace, parameter: string): string {
  return `position(${parameter} in ${place.column}::text) > 0`;
}
