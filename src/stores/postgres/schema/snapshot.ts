// A normalised catalog snapshot of a database's schema: what drift and restore verification compare.
import { createHash } from 'node:crypto';
import type { PostgresDatabase, Queryable } from '../database.js';
import { readDefaultPrivileges, readGrants, readPolicies } from './read-access.js';
import { readConstraints, readIndexes, readStatistics } from './read-constraints.js';
import { readCollations, readExtensions, readSchemas } from './read-namespaces.js';
import { readColumns, readSequences, readTables, readViews } from './read-relations.js';
import { readFunctions, readRules, readTriggers } from './read-routines.js';
import { readTypes } from './read-types.js';
import { readOnSharedSnapshot } from './shared-snapshot-reads.js';
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
  jit: 'off',
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
 * `db` is either a database (read in one repeatable-read, read-only transaction, so the snapshot is
 * consistent: on a server spread over a few connections that share it, see `readOnSharedSnapshot`)
 * or a single session the caller holds, such as a transaction: its settings are changed for the
 * reads and restored after.
 */
export async function takeSnapshot(
  db: Queryable | PostgresDatabase,
  options: SnapshotOptions = {},
): Promise<CatalogSnapshot> {
  if (isDatabase(db)) {
    // The version first: the readers' queries depend on it. Embedded is one session: one at a time.
    const version = await serverVersion(db);
    const sessions = db.capabilities.sessions ? SESSIONS : 1;
    const reads = READERS.map((reader) => (session: Queryable) => reader(scopeOf(session, version, options)));
    return assemble(await readOnSharedSnapshot(db, setAll(true), reads, sessions));
  }
  const { rows } = await db.query<Record<string, string>>(
    `select ${NAMES.map((name, i) => `current_setting('${name}') as s${i}`).join(', ')}`,
  );
  const saved = NAMES.map((_, i) => rows[0]?.[`s${i}`] ?? '');
  await db.query(setAll(false));
  try {
    const scope = scopeOf(db, await serverVersion(db), options);
    const parts: Partial<CatalogSnapshot>[] = [];
    for (const reader of READERS) parts.push(await reader(scope));
    return assemble(parts);
  } finally {
    await db.query(setAll(false, true), saved).catch(() => {});
  }
}

function isDatabase(db: Queryable | PostgresDatabase): db is PostgresDatabase {
  return typeof (db as PostgresDatabase).transaction === 'function';
}

/**
 * Sessions a server snapshot is read on. The work is the server's (its catalog functions), so a
 * few sessions finish sooner even on two cores, each waiting on the network while another computes.
 */
const SESSIONS = 3;

async function serverVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `select current_setting('server_version_num')::int as version`,
  );
  return rows[0]?.version ?? 0;
}

function scopeOf(db: Queryable, version: number, options: SnapshotOptions): Scope {
  const roles = options.roles ?? {};
  return {
    db,
    excluded: options.excludeSchemas ?? ['launchdb'],
    version,
    owners: options.owners ?? false,
    extensionVersions: options.extensionVersions ?? true,
    role: (name) => roles[name] ?? name,
  };
}

type Reader = (scope: Scope) => Promise<Partial<CatalogSnapshot>>;

/** Every family's reader, the slowest first, so that sessions reading side by side end together. */
const READERS: Reader[] = [
  async (scope) => ({ columns: await readColumns(scope) }),
  async (scope) => ({ indexes: await readIndexes(scope) }),
  async (scope) => ({ constraints: await readConstraints(scope) }),
  async (scope) => ({ tables: await readTables(scope) }),
  async (scope) => ({ sequences: await readSequences(scope) }),
  async (scope) => ({ grants: await readGrants(scope) }),
  async (scope) => ({ triggers: await readTriggers(scope) }),
  async (scope) => ({ views: await readViews(scope) }),
  async (scope) => readTypes(scope),
  async (scope) => ({ policies: await readPolicies(scope) }),
  async (scope) => ({ functions: await readFunctions(scope) }),
  async (scope) => ({ schemas: await readSchemas(scope) }),
  async (scope) => ({ extensions: await readExtensions(scope) }),
  async (scope) => ({ collations: await readCollations(scope) }),
  async (scope) => ({ statistics: await readStatistics(scope) }),
  async (scope) => ({ rules: await readRules(scope) }),
  async (scope) => ({ defaultPrivileges: await readDefaultPrivileges(scope) }),
];

/** The families in the order a snapshot has always listed them, whichever reader ended first. */
const FAMILIES: (keyof CatalogSnapshot)[] = [
  'schemas',
  'extensions',
  'collations',
  'tables',
  'columns',
  'constraints',
  'indexes',
  'statistics',
  'views',
  'sequences',
  'functions',
  'triggers',
  'rules',
  'enums',
  'domains',
  'types',
  'policies',
  'grants',
  'defaultPrivileges',
];

function assemble(parts: Partial<CatalogSnapshot>[]): CatalogSnapshot {
  const read: Partial<CatalogSnapshot> = Object.assign({}, ...parts);
  return sortedKeys(
    Object.fromEntries(FAMILIES.map((family) => [family, read[family]])) as unknown as CatalogSnapshot,
  );
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
