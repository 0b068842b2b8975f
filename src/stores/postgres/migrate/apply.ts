// `migrate up`: pending migrations in order, each in one transaction with its history row, under the
// migration lock. A run returns a result per migration instead of throwing halfway.
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../version.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { SourceText } from '../sql/source-text.js';
import { sqlChunks } from '../sql/sql-chunks.js';
import { quoteLiteral } from '../sql-quote.js';
import { acquireMigrationLock, releaseMigrationLock } from './advisory-lock.js';
import { ensureHistory, readHistory, recordSql } from './history.js';
import { describeFailure, type MigrationFailure, type SentSql } from './migration-error.js';
import type { MigrationFile } from './migration-files.js';
import { refuseUnshippedExtensions } from './refuse-unshipped-extensions.js';
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
  /**
   * Versions the caller checked (the lint gate of a guarded environment) and had confirmed: a
   * migration pending under the lock that is not among them stops the run before it changes anything.
   */
  checked?: ReadonlySet<string>;
  onEvent?: (event: MigrateEvent) => void;
}

export type MigrateEvent =
  | { type: 'locked' }
  /** The plan, read under the lock and validated: what this run attempts, nothing a concurrent run took. */
  | { type: 'planned'; plan: readonly MigrationFile[] }
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
    const plan = await validatePending(choose(migrationStatus(files, await readHistory(db)), options));
    if (db.backing === 'embedded') await refuseUnshippedExtensions(db, plan);
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
      const chosen = choose(migrationStatus(files, await readHistory(session)), options);
      refuseUnchecked(chosen, options.checked);
      // As they run: a file's own BEGIN … COMMIT blocks folded into its transaction.
      const plan = await validatePending(chosen);
      if (db.backing === 'embedded') await refuseUnshippedExtensions(session, plan);
      options.onEvent?.({ type: 'planned', plan });
      const results: MigrationResult[] = [];
      for (const batch of batches(plan)) {
        if (results.some((done) => done.status === 'failed')) {
          results.push(...batch.map((file) => result(file, 'skipped')));
          continue;
        }
        for (const file of batch) options.onEvent?.({ type: 'migrating', migration: file });
        const endsRun = batch.at(-1) === plan.at(-1);
        const first = batch[0]!;
        const outcomes = first.noTransaction
          ? [await applyWithoutTransaction(session, first)]
          : first.size > BATCH_BYTES
            ? [await applyInChunks(session, first, endsRun)]
            : await applyBatch(session, batch, endsRun);
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

/** A migration pending now that the caller did not check was added to the history's gaps meanwhile: refused. */
function refuseUnchecked(plan: readonly MigrationFile[], checked: ReadonlySet<string> | undefined): void {
  const unchecked = checked ? plan.filter((file) => !checked.has(file.version)) : [];
  if (unchecked.length === 0) return;
  throw new UsageError(
    `the plan changed while waiting for the migration lock: ${unchecked.map((file) => file.file).join(', ')} became pending; nothing was applied`,
    { fix: 'run again, so the plan is checked and confirmed as it now stands' },
  );
}

function choose(status: ReturnType<typeof migrationStatus>, options: MigrateOptions): MigrationFile[] {
  refuseInvalidPlan(status, options.allowOutOfOrder === true);
  const pending = [...status.outOfOrder, ...status.pending].sort((a, b) =>
    a.version.localeCompare(b.version),
  );
  return options.to === undefined ? pending : pending.filter((file) => file.version <= options.to!);
}

/**
 * Up to this many transactional migrations, or this many bytes of SQL, travel in one round trip; a
 * larger file goes alone, a chunk of statements at a time, so its text is never held whole.
 */
const BATCH_MIGRATIONS = 25;
const BATCH_BYTES = 256 * 1024;

/** Consecutive transactional migrations grouped into batches; a no-transaction or large file goes alone. */
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
      size + file.size <= BATCH_BYTES;
    if (fits) {
      current.push(file);
      size += file.size;
    } else {
      groups.push([file]);
      size = file.size;
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
  const sent: SentSql[] = [];
  for (const [index, file] of files.entries()) {
    const sql = file.sql;
    const prefix = begin(endsRun && index === files.length - 1, file);
    sent.push({ sql, prefix: text.length + prefix.length, line: 1, column: 1 });
    text += `${prefix}${sql}\n;\n${recordSql(file, VERSION)};\ncommit;\n`;
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
    return { ...result(file, 'failed'), error: describeFailure(failure, file.file, sent[index]) };
  });
}

/**
 * A transaction's opening: its start noted for the history row's duration; the run's last commit
 * synchronous; the migration named for the DDL capture, which attributes what it does to that file.
 */
function begin(durable: boolean, file: MigrationFile): string {
  const synchronous = durable ? 'set local synchronous_commit = on;\n' : '';
  return `begin;\n${synchronous}select set_config('launchdb.started', clock_timestamp()::text, true), ${naming(file, true)};\n`;
}

/** Sets `launchdb.migration` to the file's name, for its transaction (`local`) or the session. */
function naming(file: MigrationFile, local: boolean): string {
  return `set_config('launchdb.migration', ${quoteLiteral(file.file)}, ${local})`;
}

/**
 * A large migration in one transaction, sent a chunk of statements at a time as its file is read, so
 * neither its text nor the server's parse of it is held whole; a failure anywhere rolls all of it back.
 */
async function applyInChunks(
  session: Queryable,
  file: MigrationFile,
  endsRun: boolean,
): Promise<MigrationResult> {
  const started = performance.now();
  let sent: SentSql | undefined;
  try {
    await session.query(begin(endsRun, file));
    for (const chunk of sqlChunks(file.pieces())) {
      if (chunk.statements.length === 0) continue;
      sent = { sql: chunk.text, prefix: 0, line: chunk.line, column: 1 };
      await session.query(chunk.text);
      sent = undefined;
    }
    await session.query(`${recordSql(file, VERSION)};\ncommit;`);
  } catch (error) {
    await session.query('rollback').catch(() => {});
    return {
      ...result(file, 'failed'),
      durationMs: Math.round(performance.now() - started),
      error: describeFailure(error, file.file, sent),
    };
  }
  return { ...result(file, 'applied'), durationMs: Math.round(performance.now() - started) };
}

/** Statement by statement, outside a transaction (CREATE INDEX CONCURRENTLY); recorded only if all succeed. */
async function applyWithoutTransaction(session: Queryable, file: MigrationFile): Promise<MigrationResult> {
  const started = performance.now();
  let sent: SentSql | undefined;
  try {
    // For the session: the file's statements run in transactions of their own.
    await session.query(`select ${naming(file, false)}`);
    for (const chunk of sqlChunks(file.pieces())) {
      const source = new SourceText(chunk.text);
      for (const { start, end } of chunk.statements) {
        const at = source.positionOfIndex(start);
        sent = {
          sql: chunk.text.slice(start, end),
          prefix: 0,
          line: chunk.line + at.line - 1,
          column: at.column,
        };
        await session.query(sent.sql);
        sent = undefined;
      }
    }
  } catch (error) {
    // A BEGIN of the file's own may have left the session in an aborted transaction: end it, so the
    // lock is released and the connection goes back usable (outside a transaction it only warns).
    await session.query('rollback').catch(() => {});
    await session.query('reset launchdb.migration').catch(() => {});
    return {
      ...result(file, 'failed'),
      durationMs: Math.round(performance.now() - started),
      error: describeFailure(error, file.file, sent && { ...sent, statement: true }),
    };
  }
  await session.query('reset launchdb.migration');
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
