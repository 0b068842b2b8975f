// Finds a tool's history table in the database, or says plainly that it is not there.
import { UnreachableError, UsageError } from '../../../../core/errors.js';
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
 * names the table and the tool; so does a table of that name without the tool's columns. A table
 * our role may not read (exit 3) names the role and the GRANT that lets it.
 */
export async function findHistoryTable(
  db: Queryable,
  source: HistorySource,
  location: string,
): Promise<FoundTable> {
  // The catalogs are readable by every role: what the table is, and whether we may read it.
  const { rows } = await db.query<{
    schema: string;
    oid: string;
    usable: boolean;
    readable: boolean;
    role: string;
  }>(
    `select n.nspname as schema, c.oid::text as oid,
            has_schema_privilege(n.oid, 'USAGE') as usable,
            has_table_privilege(c.oid, 'SELECT') as readable,
            current_user as role
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relname = $1 and c.relkind in ('r', 'p')
      order by n.nspname`,
    [source.table],
  );
  const schemas = rows.map((row) => row.schema);
  const schema =
    source.schemas.find((name) => schemas.includes(name)) ?? (schemas.length === 1 ? schemas[0] : undefined);
  const table = rows.find((row) => row.schema === schema);
  if (schema === undefined || !table) {
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
      where attrelid = $1::oid and attnum > 0 and not attisdropped`,
    [table.oid],
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
  if (!table.usable || !table.readable) refuseUnreadable(found, table, source, location);
  return found;
}

/** The database refused our role the table (exit 3): which table, which role, and the GRANT that fixes it. */
function refuseUnreadable(
  found: FoundTable,
  table: { usable: boolean; role: string },
  source: HistorySource,
  location: string,
): never {
  const role = quoteIdent(table.role);
  const grants = [
    ...(table.usable ? [] : [`GRANT USAGE ON SCHEMA ${quoteIdent(found.schema)} TO ${role};`]),
    `GRANT SELECT ON ${found.qualified} TO ${role};`,
  ];
  throw new UnreachableError(
    `${location} refused role ${table.role} permission to read ${found.shown}, where ${source.title} records its migrations`,
    { fix: `as the table's owner (or a superuser), run: ${grants.join(' ')}` },
  );
}
