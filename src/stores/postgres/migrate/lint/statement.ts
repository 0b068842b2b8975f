// One parsed statement of a migration: its syntax tree, its tokens, and where it sits in the file.
import type { Node, RawStmt } from 'libpg-query';
import type { Token } from '../../sql/parser.js';

type KeysOfUnion<T> = T extends T ? keyof T : never;
/** A node kind of the Postgres grammar: `IndexStmt`, `AlterTableStmt`, `ColumnDef`… */
export type NodeKind = KeysOfUnion<Node>;
/** The body of a node of that kind. */
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

/** The body of `node` when it is of `kind`. */
export function nodeOf<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  return node && kind in node ? (node as unknown as Record<K, NodeOf<K>>)[kind] : undefined;
}

export class LintStatement {
  readonly node: Node;
  /** Byte offset of its first token (comments before it excluded). */
  readonly start: number;
  /** Byte offset just past its last token. */
  readonly end: number;
  private readonly fileTokens: () => readonly Token[];
  private own: Token[] | undefined;

  constructor(node: Node, start: number, end: number, fileTokens: () => readonly Token[]) {
    this.node = node;
    this.start = start;
    this.end = end;
    this.fileTokens = fileTokens;
  }

  /** Its tokens, comments excluded. Scanned on first use: scanning costs more than parsing. */
  get tokens(): Token[] {
    this.own ??= this.fileTokens().filter(
      (token) => token.start >= this.start && token.end <= this.end && token.kind !== 'comment',
    );
    return this.own;
  }

  get<K extends NodeKind>(kind: K): NodeOf<K> | undefined {
    return nodeOf(this.node, kind);
  }

  /**
   * Byte offset of the first identifier or keyword token naming `name` at or after `from`, for nodes
   * the parser gives no location (ALTER TABLE subcommands, DROP targets); else the statement's start.
   */
  find(name: string | undefined, from = this.start): number {
    if (name === undefined) return this.start;
    const token = this.tokens.find(
      (candidate) =>
        candidate.start >= from && candidate.kind !== 'other' && identifierValue(candidate) === name,
    );
    return token?.start ?? this.start;
  }
}

/** What an identifier or keyword token names: quoted identifiers as written, others folded to lower case. */
export function identifierValue(token: Token): string {
  if (token.text.startsWith('"')) return token.text.slice(1, -1).replaceAll('""', '"');
  return token.text.toLowerCase();
}

/**
 * The file's statements. The parser's extent of a statement begins right after the previous `;`,
 * blanks and comments included, so each starts at its first real token.
 */
export function splitStatements(
  raw: RawStmt[],
  bytes: Uint8Array,
  fileTokens: () => readonly Token[],
): LintStatement[] {
  const statements: LintStatement[] = [];
  for (const entry of raw) {
    if (!entry.stmt) continue;
    const from = entry.stmt_location ?? 0;
    let end = entry.stmt_len ? from + entry.stmt_len : bytes.length;
    while (end > from && isBlank(bytes[end - 1]!)) end--;
    statements.push(new LintStatement(entry.stmt, skipTrivia(bytes, from, end), end, fileTokens));
  }
  return statements;
}

/**
 * The offset of the first byte at or after `from` that is neither blank nor in a comment. Only
 * blanks and comments can sit between statements, so no string literal can fool this; multibyte
 * characters never contain ASCII bytes, so bytes are safe to compare.
 */
function skipTrivia(bytes: Uint8Array, from: number, end: number): number {
  let at = from;
  while (at < end) {
    if (isBlank(bytes[at]!)) at++;
    else if (bytes[at] === DASH && bytes[at + 1] === DASH) {
      while (at < end && bytes[at] !== NEWLINE) at++;
    } else if (bytes[at] === SLASH && bytes[at + 1] === STAR) {
      // Postgres block comments nest.
      let depth = 0;
      do {
        if (bytes[at] === SLASH && bytes[at + 1] === STAR) {
          depth++;
          at += 2;
        } else if (bytes[at] === STAR && bytes[at + 1] === SLASH) {
          depth--;
          at += 2;
        } else at++;
      } while (depth > 0 && at < end);
    } else break;
  }
  return at;
}

const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;

function isBlank(byte: number): boolean {
  return (
    byte === 0x20 || byte === NEWLINE || byte === 0x09 || byte === 0x0d || byte === 0x0c || byte === 0x0b
  );
}
