// A normalised catalog snapshot of a database's schema: what drift and restore verification compare.
import { createHash } from 'node:crypto';
import type { PostgresDatabase, Queryable } from '../database.js';
import { readDefaultPrivileges, readGrants, readPolicies } from './read-access.js';
import { readConstraints, readIndexes, readStatistics } from './read-constraints.js';
import { readCollations, readExtensions, readSchemas } from './read-namespaces.js';
import { readColumns, readSequences, readTables, readViews } from './read-relations.js';
import { readFunctions, readRules, readTriggers } from './read-routines.js';
import { readTypes } from './read-types.js';
import type { Scope } from './snapshot-scope.js';
import type { CatalogSnapshot, LaterFamily, StoredSnapshot } from './snapshot-types.js';

export type * from './snapshot-types.js';

/**
 * The snapshot's format: raise it whenever what a snapshot records, or how it spells it, changes, so
 * an expected schema cached by another launchdb is never compared with a new snapshot.
 */
export const SNAPSHOT_FORMAT = 1;

export interface SnapshotOptions {
  /** Schemas to leave out besides the system ones. Default `['launchdb']`, launchdb's own state. */
  excludeSchemas?: string[];
  /** Record each object's owner. Default false: a shadow's owners are never production's. */
  owners?: boolean;
  /** Record extension versions. Default true; off when comparing across servers that ship others. */
  extensionVersions?: boolean;
  /**
   * Renames roles wherever the snapshot names one (grantees, policy roles, default privileges,
   * owners), e.g. `{ shop_production_app: 'app' }`, so environments that name their roles after
   * themselves compare. Default: names as they are.
   */
  roles?: Record<string, string>;
}

/**
 * The session settings of the reads: only pg_catalog on the path, so every user object prints
 * schema-qualified; and fixed time zone and styles, so a partition bound or a default holding a
 * timestamp prints the same whoever reads it.
 */
const SETTINGS: Record<string, string> = {
  search_path: 'pg_catalog',
  timezone: 'UTC',
  datestyle: 'ISO, YMD',
  intervalstyle: 'postgres',
};
const NAMES = Object.keys(SETTINGS);

/** SQL: one select that sets every setting (`$1…` values when `fromParams`, else the fixed ones). */
function setAll(local: boolean, fromParams = false): string {
  const values = NAMES.map((name, i) => (fromParams ? `$${i + 1}` : `'${SETTINGS[name]}'`));
  return `select ${NAMES.map((name, i) => `set_config('${name}', ${values[i]}, ${local})`).join(', ')}`;
}

/**
 * Snapshots every non-system schema of `db` in a handful of set-based catalog queries.
 *
 * `db` is either a database (read in one repeatable-read, read-only transaction on one connection,
 * so the snapshot is consistent) or a single session the caller holds, such as a transaction: its
 * settings are changed for the reads and restored after.
 */
export async function takeSnapshot(
  db: Queryable | PostgresDatabase,
  options: SnapshotOptions = {},
): Promise<CatalogSnapshot> {
  if (isDatabase(db)) {
    return db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read, read only');
      await tx.query(setAll(true));
      return read(tx, options);
    });
  }
  const { rows } = await db.query<Record<string, string>>(
    `select ${NAMES.map((name, i) => `current_setting('${name}') as s${i}`).join(', ')}`,
  );
  const saved = NAMES.map((_, i) => rows[0]?.[`s${i}`] ?? '');
  await db.query(setAll(false));
  try {
    return await read(db, options);
  } finally {
    await db.query(setAll(false, true), saved).catch(() => {});
  }
}

function isDatabase(db: Queryable | PostgresDatabase): db is PostgresDatabase {
  return typeof (db as PostgresDatabase).transaction === 'function';
}

async function read(db: Queryable, options: SnapshotOptions): Promise<CatalogSnapshot> {
  const { rows } = await db.query<{ version: number }>(
    `select current_setting('server_version_num')::int as version`,
  );
  const roles = options.roles ?? {};
  const scope: Scope = {
    db,
    excluded: options.excludeSchemas ?? ['launchdb'],
    version: rows[0]?.version ?? 0,
    owners: options.owners ?? false,
    extensionVersions: options.extensionVersions ?? true,
    role: (name) => roles[name] ?? name,
  };
  // One session runs one query at a time: read in sequence.
  const schemas = await readSchemas(scope);
  const extensions = await readExtensions(scope);
  const collations = await readCollations(scope);
  const tables = await readTables(scope);
  const columns = await readColumns(scope);
  const constraints = await readConstraints(scope);
  const indexes = await readIndexes(scope);
  const statistics = await readStatistics(scope);
  const views = await readViews(scope);
  const sequences = await readSequences(scope);
  const functions = await readFunctions(scope);
  const triggers = await readTriggers(scope);
  const rules = await readRules(scope);
  const { enums, domains, types } = await readTypes(scope);
  const policies = await readPolicies(scope);
  const grants = await readGrants(scope);
  const defaultPrivileges = await readDefaultPrivileges(scope);
  return sortedKeys({
    schemas,
    extensions,
    collations,
    tables,
    columns,
    constraints,
    indexes,
    statistics,
    views,
    sequences,
    functions,
    triggers,
    rules,
    enums,
    domains,
    types,
    policies,
    grants,
    defaultPrivileges,
  });
}

/** Each family's keys in code-point order, so the JSON is the same whatever order the server returned. */
function sortedKeys(snapshot: CatalogSnapshot): CatalogSnapshot {
  const sorted = {} as Record<string, Record<string, unknown>>;
  for (const [family, entries] of Object.entries(snapshot)) {
    sorted[family] = Object.fromEntries(
      Object.entries(entries as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  return sorted as unknown as CatalogSnapshot;
}

/** Families added after the first backups were taken (see `completeSnapshot`). */
const LATER_FAMILIES: LaterFamily[] = ['collations', 'statistics', 'rules'];

/**
 * A stored snapshot with every family: those an earlier launchdb did not record are empty. The one
 * place an old snapshot is brought up to date, so restore, drill and drift read every family alike.
 */
export function completeSnapshot(stored: StoredSnapshot): CatalogSnapshot {
  const complete = { ...stored } as CatalogSnapshot;
  for (const family of LATER_FAMILIES) complete[family] ??= {};
  return complete;
}

/**
 * SHA-256 (hex) of the snapshot as canonical JSON: equal snapshots, equal checksums, on any machine.
 * A later family that is empty is left out, so a snapshot stored before it existed, the same one
 * completed, and a new one of a database without such objects all hash alike.
 */
export function snapshotChecksum(snapshot: StoredSnapshot): string {
  return createHash('sha256').update(checksummedJson(snapshot)).digest('hex');
}

/** The canonical JSON text `snapshotChecksum` is the SHA-256 of: one line, parsed back as the snapshot. */
export function checksummedJson(snapshot: StoredSnapshot): string {
  const hashed: Record<string, unknown> = { ...snapshot };
  for (const family of LATER_FAMILIES) {
    const entries = hashed[family];
    if (entries !== undefined && Object.keys(entries as object).length === 0) delete hashed[family];
  }
  return canonicalJson(hashed);
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
