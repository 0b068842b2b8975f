// Declared and existing collection indexes, compared by what Postgres makes of them: each declared
// index is created on a scratch temporary table in a transaction that is rolled back, and its
// `pg_get_indexdef` compared with the real one's, so `data->>'email'` and `(data ->> 'email'::text)` match.
import type { PostgresDatabase, Queryable } from '../postgres/database.js';
import { quoteIdent } from '../postgres/sql-quote.js';
import { type CollectionIndex, createIndexSql } from './collections.js';

const PROBE_TABLE = 'launchdb_documents_probe';

/** What an index is, whatever its name and table: `UNIQUE USING btree (((data ->> 'email'::text)))`. */
export type IndexShape = string;

export interface ExistingIndex {
  name: string;
  shape: IndexShape;
  valid: boolean;
}

/** Thrown to roll the probe back. */
class RollBack extends Error {}

/** The shape Postgres gives each declared index, or the error creating it gives (a bad expression). */
export async function declaredShapes(
  db: PostgresDatabase,
  indexes: readonly CollectionIndex[],
): Promise<Map<CollectionIndex, { shape: IndexShape } | { error: string }>> {
  const shapes = new Map<CollectionIndex, { shape: IndexShape } | { error: string }>();
  if (indexes.length === 0) return shapes;
  const probe = `pg_temp.${quoteIdent(PROBE_TABLE)}`;
  await db
    .transaction(async (tx) => {
      await tx.query(
        `create temporary table ${quoteIdent(PROBE_TABLE)} (id text primary key, data jsonb not null,
           created_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
      );
      for (const [i, index] of indexes.entries()) {
        const name = `${PROBE_TABLE}_${i}`;
        await tx.query(`savepoint probe_${i}`);
        try {
          await tx.query(createIndexSql(index, probe, name));
          const { rows } = await tx.query<{ definition: string }>(
            `select pg_get_indexdef(c.oid) as definition from pg_class c
              where c.relname = $1 and c.relnamespace = pg_my_temp_schema()`,
            [name],
          );
          shapes.set(index, { shape: shapeOf(rows[0]?.definition ?? '') });
        } catch (error) {
          await tx.query(`rollback to savepoint probe_${i}`);
          shapes.set(index, { error: error instanceof Error ? error.message : String(error) });
        }
      }
      throw new RollBack();
    })
    .catch((error) => {
      if (!(error instanceof RollBack)) throw error;
    });
  return shapes;
}

/** The indexes of one table, by name, with their shapes. */
export async function existingIndexes(
  db: Queryable,
  schema: string,
  table: string,
): Promise<ExistingIndex[]> {
  const { rows } = await db.query<{ name: string; definition: string; valid: boolean }>(
    `select i.relname as name, pg_get_indexdef(i.oid) as definition, x.indisvalid as valid
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and t.relname = $2
      order by i.relname`,
    [schema, table],
  );
  return rows.map((row) => ({ name: row.name, shape: shapeOf(row.definition), valid: row.valid }));
}

/** `CREATE UNIQUE INDEX x ON s.t USING btree (…)` → `UNIQUE USING btree (…)`: name and table left out. */
function shapeOf(definition: string): IndexShape {
  const unique = /^CREATE UNIQUE INDEX /.test(definition) ? 'UNIQUE ' : '';
  const using = definition.indexOf(' USING ');
  return `${unique}${using < 0 ? definition : definition.slice(using + 1)}`;
}
