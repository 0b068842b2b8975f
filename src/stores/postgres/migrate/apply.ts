// `migrate up`: pending migrations in order, each in one transaction with its history row, under the
// migration lock. A run returns a result per migration instead of throwing halfway.
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../version.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { acquireMigrationLock, releaseMigrationLock } from './advisory-lock.js';
import { ensureHistory, readHistory, recordSql } from './history.js';
import { describeFailure, type MigrationFailure } from './migration-error.js';
import type { MigrationFile } from './migration-files.js';
import { splitStatements } from './statements.js';
import { migrationStatus } from './status.js';
import { refuseInvalidPlan, validatePending } from './validate.js';

export interface MigrateOptions {
  /** Apply up to and including this version. */
  to?: string;
  /** Plan only: read the history, change nothing, take no lock. */
  dryRun?: boolean;
  /** Apply pending files older than the newest applied one instead of refusing. */
  allowOutOfOrder?: boolean;
  /** Wait this long for another run's migration lock. */
  lockTimeoutMs: number;
  /** `lock_timeout` of each migration, in ms (0: none). */
  sessionLockTimeoutMs: number;
  /** `statement_timeout` of each migration, in ms (0: none). */
  statementTimeoutMs: number;
  /** Where, for messages: `host:port/db` or the embedded folder. */
  location: string;
  onEvent?: (event: MigrateEvent) => void;
}

export type MigrateEvent =
  | { type: 'locked' }
  | { type: 'migrating'; migration: MigrationFile }
  | { type: 'migrated'; result: MigrationResult };

export interface MigrationResult {
  version: string;
  name: string;
  file: string;
  status: 'applied' | 'failed' | 'skipped' | 'pending';
  durationMs?: number;
  error?: MigrationFailure;
}

export interface MigrateRun {
  dryRun: boolean;
  results: MigrationResult[];
  applied: number;
  failed: MigrationResult | undefined;
}

export async function migrateUp(
  db: PostgresDatabase,
  files: readonly MigrationFile[],
  options: MigrateOptions,
): Promise<MigrateRun> {
  if (options.to !== undefined && !files.some((file) => file.version === options.to)) {
    throw new UsageError(`--to ${options.to} is not the version of any migration file`);
  }
  if (options.dryRun) {
    const plan = choose(migrationStatus(files, await readHistory(db)), options);
    await validatePending(plan);
    return finish(
      true,
      plan.map((file) => result(file, 'pending')),
    );
  }
  return db.withConnection(async (session) => {
    await prepareSession(session, options);
    await acquireMigrationLock(session, options.lockTimeoutMs, options.location);
    try {
      options.onEvent?.({ type: 'locked' });
      await ensureHistory(session);
      // Read after taking the lock: whatever a concurrent run applied meanwhile is not pending.
      const plan = choose(migrationStatus(files, await readHistory(session)), options);
      await validatePending(plan);
      const results: MigrationResult[] = [];
      for (const [index, file] of plan.entries()) {
        if (results.some((done) => done.status === 'failed')) {
          results.push(result(file, 'skipped'));
          continue;
        }
        options.onEvent?.({ type: 'migrating', migration: file });
        const outcome = await applyOne(session, file, index === plan.length - 1);
        results.push(outcome);
        options.onEvent?.({ type: 'migrated', result: outcome });
      }
      // The last migration commits synchronously, flushing every earlier commit; a run that stopped
      // early, or ended on a no-transaction file, flushes explicitly.
      const ended = plan.at(-1);
      const durable = ended && !ended.noTransaction && results.at(-1)?.status === 'applied';
      if (!durable && results.some((done) => done.status === 'applied')) await flushCommits(session);
      return finish(false, results);
    } finally {
      await releaseMigrationLock(session).catch(() => {});
      await session.query(RESET_SESSION).catch(() => {});
    }
  });
}

/**
 * One round trip sets the run's session: named for whoever looks at pg_stat_activity; each
 * migration's lock and statement timeouts; asynchronous commits (made durable at the end of the run).
 * On Postgres 14+ the server also checks that we are still there during long statements: if this
 * process dies, its transaction rolls back and the migration lock is freed within a second.
 */
async function prepareSession(session: Queryable, options: MigrateOptions): Promise<void> {
  const { rows } = await session.query<{ version: string }>(
    [
      `set application_name = 'launchdb migrate'`,
      `set lock_timeout = ${options.sessionLockTimeoutMs}`,
      `set statement_timeout = ${options.statementTimeoutMs}`,
      'set synchronous_commit = off',
      `select current_setting('server_version_num') as version`,
    ].join(';\n'),
  );
  if (Number(rows[0]?.version) >= 140000) await session.query('set client_connection_check_interval = 1000');
}

const RESET_SESSION =
  'reset application_name; reset lock_timeout; reset statement_timeout; reset synchronous_commit';

function choose(status: ReturnType<typeof migrationStatus>, options: MigrateOptions): MigrationFile[] {
  refuseInvalidPlan(status, options.allowOutOfOrder === true);
  const pending = [...status.outOfOrder, ...status.pending].sort((a, b) =>
    a.version.localeCompare(b.version),
  );
  return options.to === undefined ? pending : pending.filter((file) => file.version <= options.to!);
}

async function applyOne(session: Queryable, file: MigrationFile, last: boolean): Promise<MigrationResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (file.noTransaction) return applyWithoutTransaction(session, file, started);
  // One round trip: the migration and its history row commit together or not at all. The run's last
  // commit is synchronous, and its flush makes every earlier, asynchronous one durable too.
  const prefix = last ? 'begin;\nset local synchronous_commit = on;\n' : 'begin;\n';
  try {
    await session.query(`${prefix}${file.sql}\n;\n${recordSql(file, VERSION)};\ncommit;`);
    return { ...result(file, 'applied'), durationMs: elapsed() };
  } catch (error) {
    await session.query('rollback').catch(() => {});
    return {
      ...result(file, 'failed'),
      durationMs: elapsed(),
      error: describeFailure(error, file, prefix.length),
    };
  }
}

/** Statement by statement, outside a transaction (CREATE INDEX CONCURRENTLY); recorded only if all succeed. */
async function applyWithoutTransaction(
  session: Queryable,
  file: MigrationFile,
  started: number,
): Promise<MigrationResult> {
  const statements = await splitStatements(file.sql, file.file);
  for (const statement of statements) {
    try {
      await session.query(statement.text);
    } catch (error) {
      return {
        ...result(file, 'failed'),
        durationMs: Math.round(performance.now() - started),
        error: describeFailure(error, file, 0, statement),
      };
    }
  }
  const durationMs = Math.round(performance.now() - started);
  await session.query(recordSql(file, VERSION, { durationMs }));
  return { ...result(file, 'applied'), durationMs };
}

/** A transaction with an xid commits synchronously, flushing the run's earlier asynchronous commits. */
async function flushCommits(session: Queryable): Promise<void> {
  await session.query('begin; set local synchronous_commit = on; select txid_current(); commit;');
}

function result(file: MigrationFile, status: MigrationResult['status']): MigrationResult {
  return { version: file.version, name: file.name, file: file.file, status };
}

function finish(dryRun: boolean, results: MigrationResult[]): MigrateRun {
  return {
    dryRun,
    results,
    applied: results.filter((entry) => entry.status === 'applied').length,
    failed: results.find((entry) => entry.status === 'failed'),
  };
}
