// The history another migration tool keeps in the database (Prisma's `_prisma_migrations`, drizzle's
// `drizzle.__drizzle_migrations`, …): that tool's record of what it ran, not a change to the schema.
// Once launchdb reads the tool's layout or adopted its history, drift leaves it out: reported as
// drift, its fix ("undo the manual change") would make the old tool run its history again.
import type { MigrationLayout } from '../../../core/config/types.js';
import type { Queryable } from '../database.js';
import { type AdoptTool, HISTORY_SOURCES, isAdoptTool } from '../migrate/adopt/index.js';
import type { AppliedMigration } from '../migrate/history.js';
import { keyOf } from './snapshot-scope.js';
import type { CatalogSnapshot, SnapshotFamily } from './snapshot-types.js';

/** The tools whose history the database may hold: the layout's, and each `migrate adopt` recorded from. */
export function adoptedTools(layout: MigrationLayout, history: readonly AppliedMigration[]): AdoptTool[] {
  const tools = new Set<AdoptTool>();
  if (layout !== 'launchdb') tools.add(layout);
  for (const row of history) {
    const tool = row.source.startsWith('adopt:') ? row.source.slice('adopt:'.length) : '';
    if (isAdoptTool(tool)) tools.add(tool);
  }
  return [...tools];
}

/** A tool's history table, as snapshot keys spell it: `public._prisma_migrations`. */
export interface ToolHistory {
  schema: string;
  table: string;
}

/**
 * Each tool's history table, found as `migrate adopt` finds it (in one of the tool's schemas, or the
 * only schema holding one; with the tool's columns), from the catalogs alone: whoever reads the live
 * schema may not read the table itself. None for a tool that left none.
 */
export async function findToolHistories(db: Queryable, tools: readonly AdoptTool[]): Promise<ToolHistory[]> {
  if (tools.length === 0) return [];
  const sources = tools.map((tool) => HISTORY_SOURCES[tool]);
  const { rows } = await db.query<{ schema: string; table: string; columns: string[] }>(
    `select n.nspname::text as schema, c.relname::text as table,
            array(select a.attname::text from pg_catalog.pg_attribute a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relname = any($1::text[]) and c.relkind in ('r', 'p')`,
    [sources.map((source) => source.table)],
  );
  return sources.flatMap((source) => {
    const candidates = rows.filter((row) => row.table === source.table);
    const found =
      source.schemas.flatMap((schema) => candidates.filter((row) => row.schema === schema))[0] ??
      (candidates.length === 1 ? candidates[0] : undefined);
    const columns = new Set(found?.columns ?? []);
    const theTools =
      found !== undefined &&
      source.columns.every((column) => columns.has(column)) &&
      !(source.foreign && columns.has(source.foreign.column));
    if (!theTools) return [];
    return [{ schema: keyOf(found.schema), table: `${keyOf(found.schema)}.${keyOf(source.table)}` }];
  });
}

/** What belongs to a table, by its `table` field. */
const PARTS: SnapshotFamily[] = [
  'columns',
  'constraints',
  'indexes',
  'statistics',
  'triggers',
  'rules',
  'policies',
];

/**
 * The snapshot without the history tables: each table, what belongs to it (columns, keys, indexes,
 * its serial's sequence, grants on any of them), and its schema when nothing else is in it
 * (drizzle's `drizzle`, Supabase's `supabase_migrations`).
 */
export function withoutToolHistories(
  snapshot: CatalogSnapshot,
  histories: readonly ToolHistory[],
): CatalogSnapshot {
  if (histories.length === 0) return snapshot;
  const tables = new Set(histories.map((history) => history.table));
  const result = { ...snapshot } as Record<SnapshotFamily, Record<string, unknown>>;
  const drop = (family: SnapshotFamily, gone: (key: string, entry: Record<string, unknown>) => boolean) => {
    result[family] = Object.fromEntries(
      Object.entries(result[family]).filter(([key, entry]) => !gone(key, entry as Record<string, unknown>)),
    );
  };
  const sequences = Object.entries(snapshot.sequences)
    .filter(([, sequence]) => [...tables].some((table) => sequence.ownedBy?.startsWith(`${table}.`)))
    .map(([key]) => key);
  const objects = new Set([
    ...[...tables].map((table) => `table ${table}`),
    ...sequences.map((key) => `sequence ${key}`),
  ]);

  drop('tables', (key) => tables.has(key));
  for (const family of PARTS) drop(family, (_key, entry) => tables.has(String(entry.table)));
  drop('sequences', (key) => sequences.includes(key));
  drop('grants', (_key, entry) => {
    const object = String(entry.object);
    return objects.has(object) || [...tables].some((table) => object.startsWith(`column ${table}.`));
  });
  for (const schema of new Set(histories.map((history) => history.schema))) {
    if (schema === 'public' || holdsAnything(result, schema)) continue;
    drop('schemas', (key) => key === schema);
    drop('grants', (_key, entry) => entry.object === `schema ${schema}`);
  }
  return result as unknown as CatalogSnapshot;
}

/** Anything left in the schema: an object keyed under it, an extension or default privileges in it. */
function holdsAnything(snapshot: Record<SnapshotFamily, Record<string, unknown>>, schema: string): boolean {
  const inside = `${schema}.`;
  return Object.entries(snapshot).some(([family, entries]) => {
    if (family === 'schemas' || family === 'grants') return false;
    return Object.entries(entries).some(([key, entry]) => {
      const { schema: where } = entry as { schema?: unknown };
      return family === 'extensions' || family === 'defaultPrivileges'
        ? where === schema
        : key.startsWith(inside);
    });
  });
}
