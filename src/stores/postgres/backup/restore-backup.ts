// Restores a backup into a database in one transaction: the schema from its snapshot, the rows by
// COPY (checked against the manifest as they stream), sequences, then constraints, indexes and the
// rest. Anything that fails, or a killed process, rolls it all back: the target stays as it was.

import { decode, decodeAll, measure } from '../../../backup/data-codec.js';
import { type TableProgress, TableTally } from '../../../backup/table-progress.js';
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../version.js';
import type { Connection, PostgresDatabase, Queryable } from '../database.js';
import { readMarker } from '../marker.js';
import { reconcileLaunchdbSchema, reconcilePublicSchema } from '../provision/grants.js';
import { Ledger } from '../provision/ledger.js';
import type { RoleKind } from '../provision/roles.js';
import type { CatalogSnapshot, StoredSnapshot } from '../schema/snapshot.js';
import { completeSnapshot, snapshotChecksum } from '../schema/snapshot.js';
import { notInExtension, notSystemSchema } from '../schema/snapshot-scope.js';
import { quoteIdent } from '../sql-quote.js';
import type { TableData } from './manifest.js';
import { BackupDamaged, type OpenedBackup } from './open-backup.js';
import { renameRoles } from './rename-roles.js';
import { recordRestore } from './restore-log.js';
import { applyDdl, type DdlStatement, materializedViewRefreshes, schemaDdl } from './schema-ddl.js';

export interface RestoreOptions {
  /** Drop what the target holds first (in the same transaction). Without it a target that is not empty is refused. */
  clean?: boolean;
  /**
   * Whose the restored database is: the environment it is restored into, recorded in launchdb's
   * marker; `as-backed-up` leaves the backup's own (a drill compares every row). Default: the
   * target's own marker, or none (a scratch database belongs to no environment).
   */
  marker?: { project: string; environment: string } | 'as-backed-up';
  /**
   * Create the roles the schema grants to that do not exist, as NOLOGIN roles, so every grant and
   * policy restores. For scratch databases that are thrown away (a drill's embedded copy).
   */
  createRoles?: boolean;
  /** Roles to rename in the backup's privileges: the source environment's to the target's. */
  roles?: Record<string, string>;
  /**
   * The target environment's provisioned roles: once restored, they get launchdb's own access back
   * (the marker and canary for the app's checks, the logs for reading), as `attach` grants it.
   */
  environmentRoles?: Record<RoleKind, string>;
  /**
   * Tables loaded at once, each on its own connection (a server only). Above 1 the restore is not one
   * transaction: only for a database nobody uses yet (a scratch copy, or one switched in after).
   */
  parallel?: number;
  /**
   * With `parallel`, load the parts of a large table on several connections at once: faster, but
   * its rows are no longer in the backup's order (a drill, which compares checksums, keeps them).
   */
  splitTables?: boolean;
  /** Called as each part of a table is in (a table's last one has `complete`). */
  onTable?: (progress: TableProgress) => void;
}

export interface RestoreResult {
  id: string;
  tables: number;
  rows: number;
  durationMs: number;
  /** Pieces left out, such as grants to roles that do not exist where it was restored. */
  skipped: string[];
}

export async function restoreBackup(
  backup: OpenedBackup,
  db: PostgresDatabase,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const started = performance.now();
  const snapshot = await readBackupSchema(backup);
  const phases = new RestorePhases(backup, snapshot, options, db.location);
  const parallel = db.capabilities.sessions ? Math.max(1, options.parallel ?? 1) : 1;
  let skipped: string[];
  if (parallel === 1) {
    // One transaction on one connection: all or nothing, whatever fails or whoever kills it.
    skipped = await db.transaction(async (tx) => {
      const prepared = await phases.prepare(tx);
      for (const table of backup.manifest.tables) await phases.load(tx, table);
      await phases.finish(tx, prepared.marker);
      return prepared.skipped;
    });
  } else {
    // Tables on several connections at once, each committed as it loads: only for a database
    // nobody uses yet (a drill's scratch copy, or a fresh one that is switched in afterwards).
    const prepared = await db.transaction((tx) => phases.prepare(tx));
    // Whole tables, each in its own order; or with splitTables every part on its own. The largest
    // tables first, so their keys and indexes build while the others still load.
    const jobs = [...backup.manifest.tables]
      .sort((a, b) => b.rawBytes - a.rawBytes)
      .flatMap((table) =>
        options.splitTables
          ? table.parts.map((part) => ({ table, parts: [part] }))
          : [{ table, parts: table.parts }],
      );
    const worker = () =>
      db.withConnection(async (connection) => {
        for (let job = jobs.shift(); job; job = jobs.shift()) {
          const complete = await phases.load(connection, job.table, job.parts);
          if (complete) await phases.build(connection, job.table.name);
        }
      });
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, jobs.length)) }, worker));
    await db.transaction((tx) => phases.finish(tx, prepared.marker));
    skipped = prepared.skipped;
  }
  return {
    id: backup.id,
    tables: backup.manifest.tables.length,
    rows: backup.manifest.totals.rows,
    durationMs: Math.round(performance.now() - started),
    skipped,
  };
}

/** Index builds sort in memory rather than on disk when they may (a session setting, no rights needed). */
const BUILD_MEMORY = '512MB';

type Marker = { project: string; environment: string } | 'as-backed-up' | undefined;

/** The steps of a restore: before the data (schema), the data (per table), and after it. */
class RestorePhases {
  private readonly codec: { key?: Buffer };
  private after: DdlStatement[] = [];
  /** Tables whose keys and indexes were built as soon as their rows were in (see `build`). */
  private readonly built = new Set<string>();
  private readonly tally: TableTally;

  constructor(
    private readonly backup: OpenedBackup,
    private readonly snapshot: CatalogSnapshot,
    private readonly options: RestoreOptions,
    private readonly location: string,
  ) {
    this.codec = backup.keys ? { key: backup.keys.data } : {};
    this.tally = new TableTally(backup.manifest.tables.length);
  }

  /** Refuses a target that is not empty (unless clean), clears it, and creates what data loads into. */
  async prepare(tx: Connection): Promise<{ marker: Marker; skipped: string[] }> {
    await refuseNonEmpty(tx, this.location, this.options.clean === true);
    const marker = this.options.marker ?? (await readMarker(tx));
    await dropSchemas(tx, this.options.clean === true);
    const roles = await roleNames(tx);
    if (this.options.createRoles) {
      for (const role of rolesNamedIn(this.snapshot)) {
        if (roles.has(role)) continue;
        await tx.query(`create role ${quoteIdent(role)} nologin`);
        roles.add(role);
      }
    }
    const snapshot = renameRoles(this.snapshot, this.options.roles ?? {});
    const { ddl, skipped } = schemaDdl(snapshot, { roleExists: (role) => roles.has(role) });
    await applyDdl(tx, ddl.before);
    this.after = ddl.after;
    return { marker, skipped };
  }

  /**
   * Streams a table's parts into COPY in order, checking each part's checksum and rows on the way.
   * True when that was the last of the table's parts to load.
   */
  async load(connection: Connection, table: TableData, parts = table.parts): Promise<boolean> {
    const { backup, codec } = this;
    const columns = table.columns.length > 0 ? ` (${table.columns.join(', ')})` : '';
    let progress: TableProgress | undefined;
    for (const part of parts) {
      const path = part.file.path;
      // The stored bytes' checksum (sealed in the manifest) proves what they decode to, at a ninth
      // of the hashing; the server counts the rows.
      const stored = measure(backup.target.read(backup.id, path), { lines: false });
      let rows: number;
      try {
        rows = await connection.copyIn(
          `COPY ${table.qualified}${columns} FROM STDIN`,
          decode(stored.chunks, codec, path),
        );
      } catch (error) {
        if (isServerError(error)) throw error;
        throw new BackupDamaged(`table ${table.name} (${path}) does not decode: ${(error as Error).message}`);
      }
      const file = stored.result();
      if (file.sha256 !== part.file.sha256 || file.bytes !== part.file.bytes || rows !== part.rows) {
        throw new BackupDamaged(`table ${table.name} (${path}) does not match its checksum in the manifest`);
      }
      const weight = part.rawBytes / Math.max(backup.manifest.totals.rawBytes, 1);
      progress = this.tally.part(table.name, table.parts.length, rows, part.rawBytes, weight);
      this.options.onTable?.(progress);
    }
    return progress?.complete === true;
  }

  /**
   * Builds the keys and indexes that need only `table`'s rows, in a transaction of their own: with
   * several connections, one builds while the others still load. Should one fail, they are left to
   * `finish`, which runs them with everything else and says why if they fail again.
   */
  async build(connection: Connection, table: string): Promise<void> {
    const statements = this.after.filter((statement) => statement.table === table);
    if (statements.length === 0) return;
    await connection.query('begin');
    try {
      await connection.query(`set local maintenance_work_mem = '${BUILD_MEMORY}'`);
      await applyDdl(connection, statements);
      await connection.query('commit');
      this.built.add(table);
    } catch {
      await connection.query('rollback').catch(() => {});
    }
  }

  /** Sequences, then constraints, indexes and the rest, then materialized views and the marker. */
  async finish(tx: Connection, marker: Marker): Promise<void> {
    await tx.query(`set local maintenance_work_mem = '${BUILD_MEMORY}'`);
    for (const sequence of this.backup.manifest.sequences) {
      await tx.query('select pg_catalog.setval($1::regclass, $2::bigint, $3)', [
        sequence.qualified,
        sequence.lastValue,
        sequence.isCalled,
      ]);
    }
    await applyDdl(
      tx,
      this.after.filter((statement) => !statement.table || !this.built.has(statement.table)),
    );
    await applyDdl(tx, materializedViewRefreshes(this.snapshot));
    if (marker === 'as-backed-up') return;
    await remark(tx, marker);
    await recordRestore(tx, this.backup.manifest);
    const names = this.options.environmentRoles;
    if (names && (await roleNames(tx)).has(names.app)) {
      // What `attach` grants the environment's roles on schemas public and launchdb, given back.
      const ledger = new Ledger();
      await reconcilePublicSchema(tx, ledger, names);
      await reconcileLaunchdbSchema(tx, ledger, names);
    }
  }
}

/** The catalog snapshot a backup holds, proven against the manifest's checksum. */
export async function readBackupSchema(backup: OpenedBackup): Promise<CatalogSnapshot> {
  const file = backup.manifest.schema.file;
  const codec = backup.keys ? { key: backup.keys.data } : {};
  const text = await decodeAll(backup.target.read(backup.id, file.path), codec, file.path).catch(
    (error: unknown) => {
      throw new BackupDamaged(
        `the schema file of backup ${backup.id} does not decode (${(error as Error).message})`,
      );
    },
  );
  const snapshot = JSON.parse(text.toString('utf8')) as StoredSnapshot;
  if (snapshotChecksum(snapshot) !== backup.manifest.schema.checksum) {
    throw new BackupDamaged(`the schema file of backup ${backup.id} does not match its checksum`);
  }
  // One taken by an earlier launchdb lacks the families recorded since.
  return completeSnapshot(snapshot);
}

function isServerError(error: unknown): boolean {
  return (
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as { code: string }).code)
  );
}

/** Refuses a target that holds anything outside launchdb's own schema (which a restore brings), unless `clean`. */
export async function refuseNonEmpty(db: Queryable, location: string, clean: boolean): Promise<void> {
  if (clean) return;
  const contents = await userContents(db);
  if (contents.length === 0) return;
  throw new UsageError(
    `${location} is not empty (${contents.length} relations, e.g. ${contents.slice(0, 3).join(', ')}): refusing to restore over it`,
    { fix: 'restore into an empty database, or pass --clean to replace what it holds' },
  );
}

/** Relations the target holds outside launchdb's own schema (50 at most). */
export async function userContents(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${notSystemSchema()} and n.nspname <> 'launchdb'
       and ${notInExtension('pg_class', 'c.oid')}
     order by 1 limit 50`,
  );
  return rows.map((row) => row.name);
}

/** Drops launchdb's schema (the backup has its own), and with `all` every other user schema too. */
async function dropSchemas(db: Queryable, all: boolean) {
  const { rows } = await db.query<{ name: string }>(
    `select n.nspname as name from pg_namespace n where ${notSystemSchema()} ${all ? '' : "and n.nspname = 'launchdb'"} order by 1`,
  );
  for (const row of rows) await db.query(`drop schema ${quoteIdent(row.name)} cascade`);
  if (all) await db.query('create schema if not exists public');
}

/** Every role the snapshot grants to, gives policies to, or sets default privileges for. */
function rolesNamedIn(snapshot: CatalogSnapshot): string[] {
  const named = new Set<string>();
  for (const grant of Object.values(snapshot.grants)) named.add(grant.grantee);
  for (const policy of Object.values(snapshot.policies)) for (const role of policy.roles) named.add(role);
  for (const entry of Object.values(snapshot.defaultPrivileges)) {
    named.add(entry.role);
    named.add(entry.grantee);
  }
  named.delete('PUBLIC');
  named.delete('public');
  return [...named].sort();
}

async function roleNames(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>('select rolname as name from pg_roles');
  return new Set(rows.map((row) => row.name));
}

/** The restored database belongs to the target, not to the environment the backup came from. */
async function remark(db: Queryable, marker: { project: string; environment: string } | undefined) {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.environment') is not null as exists`,
  );
  if (!rows[0]?.exists) return;
  await db.query('delete from launchdb.environment');
  if (marker) {
    await db.query(
      'insert into launchdb.environment (project, environment, launchdb_version) values ($1, $2, $3)',
      [marker.project, marker.environment, VERSION],
    );
  }
}
