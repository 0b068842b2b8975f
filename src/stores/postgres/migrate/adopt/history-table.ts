// Finds a tool's history table in the database, or says plainly that it is not there.
import { UsageError } from '../../../../core/errors.js';
import type { Queryable } from '../../database.js';
import { quoteIdent } from '../../sql-quote.js';
import type { HistorySource } from './history-source.js';

export interface FoundTable {
  schema: string;
  /** `"schema"."table"`, ready for a query. */
  qualified: string;
  /** `schema.table`, for messages. */
  shown: string;
}

/**
 * The tool's table in one of its usual schemas, or in the only schema that has one. Missing (exit 2)
 * names the table and the tool; so does a table of that name without the tool's columns.
 */
export async function findHistoryTable(
  db: Queryable,
  source: HistorySource,
  location: string,
): Promise<FoundTable> {
  const { rows } = await db.query<{ schema: string }>(
    `select n.nspname as schema
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relname = $1 and c.relkind in ('r', 'p')
      order by n.nspname`,
    [source.table],
  );
  const schemas = rows.map((row) => row.schema);
  const schema =
    source.schemas.find((name) => schemas.includes(name)) ?? (schemas.length === 1 ? schemas[0] : undefined);
  if (schema === undefined) {
    const where = source.schemas.map((name) => `${name}.${source.table}`).join(' or ');
    throw new UsageError(
      schemas.length === 0
        ? `${location} has no ${source.table} table, where ${source.title} records its migrations (looked for ${where})`
        : `${location} has ${source.table} in several schemas (${schemas.join(', ')}); none is where ${source.title} keeps it (${where})`,
      {
        fix: `run adopt against the database ${source.title} migrated, or pick the tool that did with --from`,
      },
    );
  }
  const found = {
    schema,
    qualified: `${quoteIdent(schema)}.${quoteIdent(source.table)}`,
    shown: `${schema}.${source.table}`,
  };
  const { rows: columns } = await db.query<{ name: string }>(
    `select attname as name from pg_catalog.pg_attribute
      where attrelid = $1::regclass and attnum > 0 and not attisdropped`,
    [found.qualified],
  );
  const names = new Set(columns.map((column) => column.name));
  const absent = source.columns.filter((column) => !names.has(column));
  if (absent.length > 0) {
    throw new UsageError(
      `${found.shown} in ${location} has no ${absent.join(', ')} column${absent.length > 1 ? 's' : ''}: it is not ${source.title}'s history table`,
      { fix: 'pick the tool that created it with --from' },
    );
  }
  if (source.foreign && names.has(source.foreign.column)) {
    throw new UsageError(
      `${found.shown} in ${location} has a ${source.foreign.column} column: it is ${source.foreign.tool}'s history table, not ${source.title}'s`,
      { fix: `launchdb cannot adopt ${source.foreign.tool}'s history; use \`launchdb migrate baseline\`` },
    );
  }
  return found;
}
