// A file's statements parsed by the real Postgres parser a chunk at a time, so a file of any size is
// checked in bounded memory, with positions in the file's own lines and its lint directives.
import type { ParseFailure, SqlParser, Token } from '../../sql/parser.js';
import { type Position, SourceText } from '../../sql/source-text.js';
import { sqlChunks } from '../../sql/sql-chunks.js';
import { type LintStatement, splitStatements } from './statement.js';
import { IGNORE, NO_SUPPRESSIONS, readSuppressions, type Suppressions } from './suppressions.js';

/** SQL whole, or a file's pieces read on demand (see `ProjectFile.pieces`). */
export type SqlText = string | (() => Iterable<string>);

export interface ParsedChunk {
  statements: LintStatement[];
  /** `-- launchdb-lint-ignore` directives of the chunk; file-wide ones hold for the whole file. */
  suppressions: Suppressions;
  /** Where a UTF-8 byte offset of the chunk (as the parser gives them) is in the file. */
  positionOfByte(byte: number): Position;
}

export interface ChunkFailure {
  failure: ParseFailure;
  /** Where in the file the parser gave up. */
  position: Position;
}

/**
 * The chunks of `sql`, each parsed, until one does not parse: that one is the last. A byte-order
 * mark is left out, as editors do not count it as a column and Postgres would not parse it.
 */
export function* parseChunks(parser: SqlParser, sql: SqlText): Generator<ParsedChunk | ChunkFailure> {
  const pieces = typeof sql === 'string' ? [sql] : sql();
  let first = true;
  for (const chunk of sqlChunks(pieces)) {
    const text = first ? chunk.text.replace(/^\uFEFF/, '') : chunk.text;
    first = false;
    if (chunk.statements.length === 0 && text.trim() === '') continue;
    const source = new SourceText(text);
    const inFile = (at: Position): Position => ({ line: chunk.line + at.line - 1, column: at.column });
    const parsed = parser.parse(text);
    if ('failure' in parsed) {
      const at = source.positionOfIndex(source.indexOfCodePoint(parsed.failure.offset ?? 0));
      yield { failure: parsed.failure, position: inFile(at) };
      return;
    }
    // Scanning costs twice what parsing does, so only chunks that need tokens are scanned.
    let tokens: Token[] | undefined;
    const chunkTokens = () => {
      tokens ??= parser.scan(text);
      return tokens;
    };
    const statements = splitStatements(parsed.statements, source.bytes, chunkTokens);
    yield {
      statements,
      suppressions: text.includes(IGNORE)
        ? readSuppressions(chunkTokens(), statements, source)
        : NO_SUPPRESSIONS,
      positionOfByte: (byte) => inFile(source.positionOfByte(byte)),
    };
  }
}
