// The real Postgres grammar (libpg-query, compiled to WASM), loaded once and only when SQL is analysed.
import type { ParseResult, RawStmt } from 'libpg-query';

/** One lexical token of a file; offsets are UTF-8 byte offsets, as the parser reports them. */
export interface Token {
  start: number;
  end: number;
  text: string;
  kind: 'comment' | 'identifier' | 'keyword' | 'other';
}

/** Where and why a file does not parse; `offset` counts characters (code points), as Postgres does. */
export interface ParseFailure {
  message: string;
  offset: number | undefined;
}

export interface SqlParser {
  /** The statements of a file, or why it does not parse. */
  parse(sql: string): { statements: RawStmt[] } | { failure: ParseFailure };
  /** Every token of a file, comments included; empty when the file does not even scan. */
  scan(sql: string): Token[];
}

let loading: Promise<SqlParser> | undefined;

/** The parser, its 1.7 MB WASM module compiled on first use: commands that never analyse SQL never pay for it. */
export function loadParser(): Promise<SqlParser> {
  loading ??= (async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    return {
      parse(sql) {
        try {
          const result: ParseResult = pg.parseSync(sql);
          return { statements: result.stmts ?? [] };
        } catch (error) {
          const details = pg.hasSqlDetails(error) ? error.sqlDetails : undefined;
          const message = details?.message ?? (error instanceof Error ? error.message : String(error));
          return { failure: { message, offset: details?.cursorPosition } };
        }
      },
      scan(sql) {
        try {
          return pg.scanSync(sql).tokens.map(
            (token): Token => ({
              start: token.start,
              end: token.end,
              text: token.text,
              kind:
                token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT'
                  ? 'comment'
                  : token.tokenName === 'IDENT'
                    ? 'identifier'
                    : token.keywordKind > 0
                      ? 'keyword'
                      : 'other',
            }),
          );
        } catch {
          // Only a file that does not parse fails to scan, and that file gets one syntax-error finding.
          return [];
        }
      },
    };
  })();
  return loading;
}
