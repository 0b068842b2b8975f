// A failed migration described the way a person fixes it: the Postgres error, its code, file:line.

import { SourceText } from '../sql/source-text.js';

export interface MigrationFailure {
  message: string;
  /** SQLSTATE, e.g. 42P01. */
  code?: string;
  file: string;
  line?: number;
  column?: number;
  /** For no-transaction files: the first line of the statement that failed. */
  statement?: string;
}

/** What Postgres was running when it failed: part of a file, as it stood in the text sent. */
export interface SentSql {
  /** The file's part of the text sent: the whole file, a chunk of it, or one statement. */
  sql: string;
  /** Characters of launchdb's own before `sql` in the text sent. */
  prefix: number;
  /** The file's line and column that `sql` begins at. */
  line: number;
  column: number;
  /** Set when `sql` is one statement sent alone: its first line is shown with the failure. */
  statement?: boolean;
}

/** Maps the error position Postgres reports (1-based characters of the text sent) back into the file. */
export function describeFailure(error: unknown, file: string, sent: SentSql | undefined): MigrationFailure {
  const err = error as { message?: string; code?: string; position?: string | number };
  const failure: MigrationFailure = {
    message: (err.message ?? String(error)).split('\n')[0]!,
    file,
  };
  if (err.code) failure.code = err.code;
  if (!sent) return failure;
  if (sent.statement) {
    failure.statement = sent.sql.split('\n')[0]!;
    failure.line = sent.line;
  }
  const position = Number(err.position);
  const offset = position - 1 - sent.prefix;
  // Postgres counts characters; launchdb's prefix is ASCII, so the offset is the file's own.
  if (Number.isFinite(position) && offset >= 0 && offset <= sent.sql.length) {
    const source = new SourceText(sent.sql);
    const at = source.positionOfIndex(source.indexOfCodePoint(offset));
    failure.line = sent.line + at.line - 1;
    failure.column = at.line === 1 ? sent.column + at.column - 1 : at.column;
  }
  return failure;
}

/** `db/migrations/x.sql:3:15: relation "foo" does not exist (42P01)` */
export function formatFailure(failure: MigrationFailure): string {
  const where = [failure.file, failure.line, failure.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${failure.message}${failure.code ? ` (${failure.code})` : ''}${failure.statement ? ` in: ${failure.statement}` : ''}`;
}
