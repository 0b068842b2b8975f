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
      for (const batch of batches(plan)) {
        if (results.some((done) => done.status === 'failed')) {
          results.push(...batch.map((file) => result(file, 'skipped')));
          continue;
        }
        for (const file of batch) options.onEvent?.({ type: 'migrating', migration: file });
        const outcomes = batch[0]!.noTransaction
          ? [await applyWithoutTransaction(session, batch[0]!, performance.now())]
          : await applyBatch(session, batch, batch.at(-1) === plan.at(-1));
        for (const outcome of outcomes) options.onEvent?.({ type: 'migrated', result: outcome });
        results.push(...outcomes);
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

/** Up to this many transactional migrations, or this much SQL, travel in one round trip. */
const BATCH_MIGRATIONS = 25;
const BATCH_CHARACTERS = 256 * 1024;

/** Consecutive transactional migrations grouped into batches; a no-transaction file goes alone. */
function batches(plan: readonly MigrationFile[]): MigrationFile[][] {
  const groups: MigrationFile[][] = [];
  let size = 0;
  for (const file of plan) {
    const current = groups.at(-1);
    const fits =
      current !== undefined &&
      !file.noTransaction &&
      !current[0]!.noTransaction &&
      current.length < BATCH_MIGRATIONS &&
      size + file.sql.length <= BATCH_CHARACTERS;
    if (fits) {
      current.push(file);
      size += file.sql.length;
    } else {
      groups.push([file]);
      size = file.sql.length;
    }
  }
  return groups;
}

/**
 * Several migrations in one round trip, each still its own transaction with its history row. Postgres
 * runs the statements of one message in order and abandons the rest at the first error, so a failure
 * stops the run exactly where applying them one by one would. The run's last commit is synchronous,
 * and its flush makes every earlier, asynchronous one durable too.
 */
async function applyBatch(
  session: Queryable,
  files: readonly MigrationFile[],
  endsRun: boolean,
): Promise<MigrationResult[]> {
  let text = '';
  const starts: number[] = [];
  for (const [index, file] of files.entries()) {
    const durable = endsRun && index === files.length - 1 ? 'set local synchronous_commit = on;\n' : '';
    const prefix = `begin;\n${durable}select set_config('launchdb.started', clock_timestamp()::text, true);\n`;
    starts.push(text.length + prefix.length);
    text += `${prefix}${file.sql}\n;\n${recordSql(file, VERSION)};\ncommit;\n`;
  }
  let failure: unknown;
  try {
    await session.query(text);
  } catch (error) {
    failure = error;
    await session.query('rollback').catch(() => {});
  }
  // Which committed, and how long each took on the server, from their history rows.
  const { rows } = await session.query<{ version: string; duration_ms: number }>(
    'select version, duration_ms from launchdb.migrations where version = any($1)',
    [files.map((file) => file.version)],
  );
  const took = new Map(rows.map((row) => [row.version, Number(row.duration_ms)]));
  let failed = false;
  return files.map((file, index) => {
    const durationMs = took.get(file.version);
    if (durationMs !== undefined) return { ...result(file, 'applied'), durationMs };
    if (failed || failure === undefined) return result(file, 'skipped');
    failed = true;
    return { ...result(file, 'failed'), error: describeFailure(failure, file, starts[index]!) };
  });
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
