// A failed migration described the way a person fixes it: the Postgres error, its code, file:line.

import { SourceText } from '../sql/source-text.js';
import type { MigrationFile } from './migration-files.js';
import type { Statement } from './statements.js';

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

/**
 * Maps the error position Postgres reports (1-based, in the text sent) back into the file: the
 * batch began with `prefixLength` characters of launchdb's own, or it was one `statement`.
 */
export function describeFailure(
  error: unknown,
  file: MigrationFile,
  prefixLength: number,
  statement?: Statement,
): MigrationFailure {
  const err = error as { message?: string; code?: string; position?: string | number };
  const failure: MigrationFailure = {
    message: (err.message ?? String(error)).split('\n')[0]!,
    file: file.file,
  };
  if (err.code) failure.code = err.code;
  const position = Number(err.position);
  if (statement) {
    failure.statement = statement.text.split('\n')[0]!;
    failure.line = statement.line;
    if (Number.isFinite(position) && position > 0) {
      const text = new SourceText(statement.text);
      const within = text.positionOfIndex(text.indexOfCodePoint(position - 1));
      failure.line = statement.line + within.line - 1;
      failure.column = within.column;
    }
  } else if (Number.isFinite(position) && position > 0) {
    const offset = position - 1 - prefixLength;
    // Postgres counts characters; the batch's prefix is ASCII, so the offset is the file's own.
    const source = new SourceText(file.sql);
    if (offset >= 0 && offset <= file.sql.length)
      Object.assign(failure, source.positionOfIndex(source.indexOfCodePoint(offset)));
  }
  return failure;
}

/** `db/migrations/x.sql:3:15: relation "foo" does not exist (42P01)` */
export function formatFailure(failure: MigrationFailure): string {
  const where = [failure.file, failure.line, failure.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${failure.message}${failure.code ? ` (${failure.code})` : ''}${failure.statement ? ` in: ${failure.statement}` : ''}`;
}
