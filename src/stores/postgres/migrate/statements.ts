// A migration's statements, split by the real Postgres parser, with where each starts in the file.
import { UsageError } from '../../../core/errors.js';

export interface Statement {
  text: string;
  /** 1-based line of the statement's first character in the file. */
  line: number;
}

/** Splits `sql` into statements (the parser's byte offsets mapped back to the text). */
export async function splitStatements(sql: string, file: string): Promise<Statement[]> {
  const { loadModule, parseSync } = await import('libpg-query');
  await loadModule();
  let parsed: ReturnType<typeof parseSync>;
  try {
    parsed = parseSync(sql);
  } catch (error) {
    const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    const where = cursor === undefined ? file : `${file}:${lineColumn(sql, byteToChar(sql, cursor)).line}`;
    throw new UsageError(`${where}: ${(error as Error).message}`, {
      fix: 'fix the SQL; `launchdb migrate lint` shows where',
    });
  }
  const bytes = Buffer.from(sql, 'utf8');
  return (parsed.stmts ?? []).map((stmt) => {
    const start = stmt.stmt_location ?? 0;
    const end = stmt.stmt_len ? start + stmt.stmt_len : bytes.length;
    const raw = bytes.subarray(start, end).toString('utf8');
    const leading = raw.length - raw.trimStart().length;
    const offset = byteToChar(sql, start) + leading;
    return { text: raw.trim(), line: lineColumn(sql, offset).line };
  });
}

/** 1-based line and column of a 0-based character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** The character offset of a UTF-8 byte offset. */
export function byteToChar(text: string, byteOffset: number): number {
  return Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}
