// The control database migrates itself: its own migrations, in order, each in one transaction with
// its history row in `launchdb_control.migrations` (the app's history engine, its own table). It may
// sit behind PgBouncer in transaction pooling mode, so nothing here outlives a transaction: no
// session advisory lock, no SET. Concurrent openers take turns on a transaction-scoped advisory
// lock, and each re-reads the history under it, so every migration is applied once.
import { UsageError } from '../core/errors.js';
import type { PostgresDatabase } from '../stores/postgres/database.js';
import {
  type AppliedMigration,
  ensureHistory,
  type HistoryTable,
  readHistory,
  recordSql,
} from '../stores/postgres/migrate/history.js';
import { VERSION } from '../version.js';
import { type ControlMigration, recordOf } from './control-migration.js';
import { CONTROL_MIGRATIONS } from './migrations/index.js';

export const CONTROL_SCHEMA = 'launchdb_control';
export const CONTROL_HISTORY: HistoryTable = { schema: CONTROL_SCHEMA, table: 'migrations' };

/** Two int4 keys: 'ldbc' and 1, launchdb's control migrations (the app's lock is 'ldbm', 1). */
const LOCK_KEYS = [0x6c646263, 1] as const;

export interface ControlMigrationResult {
  version: string;
  name: string;
  /** `skipped`: another opener applied it while this one waited for the lock. */
  status: 'applied' | 'skipped';
  durationMs?: number;
}

export interface ControlMigrateRun {
  /** One entry per migration that was pending when the run started; none on a database up to date. */
  results: ControlMigrationResult[];
  applied: number;
  /** The newest version now applied. */
  schemaVersion: string;
}

export interface MigrateControlOptions {
  /** Where, for messages: `host:port/database` or `.launchdb/control/postgres`. */
  location: string;
  /** The migrations this launchdb ships; tests give others. */
  migrations?: readonly ControlMigration[];
}

export async function migrateControl(
  db: PostgresDatabase,
  options: MigrateControlOptions,
): Promise<ControlMigrateRun> {
  const migrations = options.migrations ?? CONTROL_MIGRATIONS;
  // Without the lock: on every open but the first, this one read finds nothing to do.
  const history = await readHistory(db, CONTROL_HISTORY);
  refuseForeignHistory(history, migrations, options.location);
  const done = new Set(history.map((row) => row.version));
  const results: ControlMigrationResult[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    results.push(await applyOnce(db, migration, migrations, options.location));
  }
  return {
    results,
    applied: results.filter((result) => result.status === 'applied').length,
    schemaVersion: migrations.at(-1)?.version ?? '',
  };
}

/** One migration and its history row in one transaction, unless another opener applied it first. */
function applyOnce(
  db: PostgresDatabase,
  migration: ControlMigration,
  migrations: readonly ControlMigration[],
  location: string,
): Promise<ControlMigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, $2)', [...LOCK_KEYS]);
    await ensureHistory(tx, CONTROL_HISTORY);
    const history = await readHistory(tx, CONTROL_HISTORY);
    // A newer launchdb may have migrated the database while this one waited.
    refuseForeignHistory(history, migrations, location);
    const { version, name } = migration;
    if (history.some((row) => row.version === version)) return { version, name, status: 'skipped' };
    const started = performance.now();
    await tx.query(migration.sql);
    const durationMs = Math.round(performance.now() - started);
    await tx.query(recordSql(recordOf(migration), VERSION, { history: CONTROL_HISTORY, durationMs }));
    return { version, name, status: 'applied', durationMs };
  });
}

/**
 * Refuses a history this launchdb cannot work with: a version it does not ship (a newer launchdb
 * migrated the database), or a shipped migration recorded with another checksum.
 */
function refuseForeignHistory(
  history: readonly AppliedMigration[],
  migrations: readonly ControlMigration[],
  location: string,
): void {
  const shipped = new Map(migrations.map((migration) => [migration.version, recordOf(migration)]));
  const newest = migrations.at(-1)?.version ?? 'none';
  for (const row of history) {
    const known = shipped.get(row.version);
    if (!known) {
      throw new UsageError(
        `the control database ${location} has schema version ${row.version} (${row.name}, applied by launchdb ${row.launchdbVersion}); this launchdb ${VERSION} knows versions up to ${newest}`,
        {
          fix: `upgrade launchdb to ${row.launchdbVersion} or later: every launchdb sharing a control database must be at least as new as the newest that migrated it`,
        },
      );
    }
    if (known.checksum !== row.checksum) {
      throw new UsageError(
        `the control database ${location} recorded its migration ${row.version} (${row.name}) with another checksum than this launchdb ${VERSION} ships`,
        {
          fix: 'it was changed by hand or by another build of launchdb: use the launchdb that migrated it, or another control database',
        },
      );
    }
  }
}
