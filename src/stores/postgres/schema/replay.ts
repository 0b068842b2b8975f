// Replays migration files into a shadow database, as plain SQL: no history table, nothing of launchdb's.
import { UsageError } from '../../../core/errors.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import type { MigrationFile } from '../migrate/migration-files.js';

/** A migration that does not run on an empty database: the file, the line, and the server's words. */
export class ReplayError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    cause: unknown,
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`migration ${where} fails when replayed into an empty shadow database: ${reason}`, {
      cause,
      fix: 'every migration must run in order on an empty database; fix the file, or create what it needs in an earlier migration',
    });
  }
}

/**
 * Runs every file in order on one session. A file is one simple-query batch, so it is atomic as
 * `migrate up` makes it; a `-- launchdb:no-transaction` file runs statement by statement, since
 * `CREATE INDEX CONCURRENTLY` and its like refuse a batch.
 */
export async function replayMigrations(db: PostgresDatabase, files: readonly MigrationFile[]): Promise<void> {
  await db.withConnection(async (session) => {
    for (const file of files) {
      if (file.noTransaction) await runStatements(session, file);
      else await runBatch(session, file, file.sql, 0);
    }
  });
}

async function runBatch(session: Queryable, file: MigrationFile, sql: string, offset: number): Promise<void> {
  try {
    await session.query(sql);
  } catch (error) {
    throw new ReplayError(file.file, lineOf(file.sql, offset, error), error);
  }
}

async function runStatements(session: Queryable, file: MigrationFile): Promise<void> {
  for (const { sql, offset } of await splitStatements(file.sql)) await runBatch(session, file, sql, offset);
}

/** The file's statements with their character offsets, split by the real Postgres parser. */
export async function splitStatements(sql: string): Promise<{ sql: string; offset: number }[]> {
  const { parse } = await import('libpg-query');
  let parsed: Awaited<ReturnType<typeof parse>>;
  try {
    parsed = await parse(sql);
  } catch {
    // Not parseable here: the server will say why, with a position, when it runs the whole file.
    return [{ sql, offset: 0 }];
  }
  // Locations are byte offsets into the UTF-8 text.
  const bytes = Buffer.from(sql, 'utf8');
  return (parsed.stmts ?? []).map((statement) => {
    const start = statement.stmt_location ?? 0;
    const end = statement.stmt_len ? start + statement.stmt_len : bytes.length;
    return {
      sql: bytes.subarray(start, end).toString('utf8'),
      offset: bytes.subarray(0, start).toString('utf8').length,
    };
  });
}

/** The 1-based line of the error's position (a 1-based character offset into the statement sent). */
function lineOf(text: string, offset: number, error: unknown): number | undefined {
  const position = Number((error as { position?: string }).position);
  if (!Number.isFinite(position) || position < 1) return undefined;
  return text.slice(0, offset + position - 1).split('\n').length;
}
