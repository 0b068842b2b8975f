// A migration's statements, split by the real Postgres parser, with the line each starts on.
import { UsageError } from '../../../core/errors.js';
import { loadParser } from '../sql/parser.js';
import { SourceText } from '../sql/source-text.js';

export interface Statement {
  text: string;
  /** 1-based line of the statement's first character in the file. */
  line: number;
}

/** Splits `sql` into statements; a file that does not parse is bad input with its position. */
export async function splitStatements(sql: string, file: string): Promise<Statement[]> {
  const parsed = (await loadParser()).parse(sql);
  const source = new SourceText(sql);
  if ('failure' in parsed) throw syntaxError(file, source, parsed.failure);
  return parsed.statements.map((stmt) => {
    const start = stmt.stmt_location ?? 0;
    const raw = source.sliceBytes(start, stmt.stmt_len ? start + stmt.stmt_len : source.bytes.length);
    const leading = raw.length - raw.trimStart().length;
    return { text: raw.trim(), line: source.positionOfIndex(source.indexOfByte(start) + leading).line };
  });
}

/** `file:line:col: message; nothing was applied` for a parse failure. */
export function syntaxError(
  file: string,
  source: SourceText,
  failure: { message: string; offset: number | undefined },
): UsageError {
  const at =
    failure.offset === undefined
      ? undefined
      : source.positionOfIndex(source.indexOfCodePoint(failure.offset));
  return new UsageError(
    `${file}${at ? `:${at.line}:${at.column}` : ''}: ${failure.message}; nothing was applied`,
    {
      fix: 'fix the SQL (`launchdb migrate lint` checks every file)',
    },
  );
}
