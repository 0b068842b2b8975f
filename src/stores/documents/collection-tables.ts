// What Postgres holds of the declared collections: each table of the schema with the type of its
// `data` column and whether row-level security is on (and forced).
import type { Queryable } from '../postgres/database.js';

export interface CollectionTable {
  table: string;
  /** The type of its `data` column, `jsonb` as declared; undefined when it has none. */
  dataType?: string;
  rls: boolean;
  forcedRls: boolean;
  owner: string;
}

export async function readCollectionTables(
  db: Queryable,
  schema: string,
): Promise<Map<string, CollectionTable>> {
  const { rows } = await db.query<{
    table: string;
    data_type: string | null;
    rls: boolean;
    forced: boolean;
    owner: string;
  }>(
    `select c.relname as table, format_type(a.atttypid, a.atttypmod) as data_type,
            c.relrowsecurity as rls, c.relforcerowsecurity as forced, pg_get_userbyid(c.relowner) as owner
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attribute a on a.attrelid = c.oid and a.attname = 'data' and not a.attisdropped
      where n.nspname = $1 and c.relkind in ('r', 'p')`,
    [schema],
  );
  return new Map(
    rows.map((row) => [
      row.table,
      {
        table: row.table,
        ...(row.data_type ? { dataType: row.data_type } : {}),
        rls: row.rls,
        forcedRls: row.forced,
        owner: row.owner,
      },
    ]),
  );
}
