// A migration's own transaction control, read with the real parser. Prisma wraps each enum change
// in `BEGIN; … COMMIT;` and runs the file as it is; launchdb runs it in the one transaction it holds
// for the migration and its history row, so plain BEGIN … COMMIT blocks fold into that transaction:
// the result is the file's, and a failure anywhere leaves nothing, history row included. Anything
// else (ROLLBACK, SAVEPOINT, a stray COMMIT, a BEGIN never committed) is named with its danger.
import type { TransactionStmt, TransactionStmtKind } from 'libpg-query';
import type { Position } from '../sql/source-text.js';
import type { LintStatement } from './lint/statement.js';
import type { MigrationFile } from './migration-files.js';

export const TRANSACTION_WORDS: Record<TransactionStmtKind, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** Where a statement is in its file: from its first token to just past its last. */
export interface StatementSpan {
  start: Position;
  end: Position;
}

export interface TransactionProblem {
  /** What is wrong and what it would do. */
  message: string;
  at: Position;
}

/**
 * Fed a file's statements in order (`next`), then told it ended (`end`): says which transaction
 * control is a problem, and which BEGIN and COMMIT statements launchdb folds into its transaction.
 * A transactional file may hold any number of plain `BEGIN; … COMMIT;` blocks, one after another.
 * A no-transaction file folds only when its whole body is one such block: it is then atomic.
 */
export class OwnTransactions {
  private readonly pairs: StatementSpan[] = [];
  private open: StatementSpan | undefined;
  private statements = 0;
  /** A no-transaction file ran a statement outside any block, or closed its block. */
  private ranBare = false;
  private closedBlock = false;
  private problems = 0;

  constructor(private readonly noTransaction: boolean) {}

  /** The file's next statement; a problem when it makes the migration unsafe to run. */
  next(statement: LintStatement, positionOf: (byte: number) => Position): TransactionProblem | undefined {
    const first = this.statements++ === 0;
    const at = positionOf(statement.start);
    const control = statement.get('TransactionStmt');
    if (!control?.kind) {
      if (!this.noTransaction || this.open) return undefined;
      const afterBlock = this.closedBlock && !this.ranBare;
      this.ranBare = true;
      return afterBlock
        ? this.problem(
            "a statement after the file's COMMIT runs on its own: a failure from here leaves the block applied and the migration unrecorded",
            at,
          )
        : undefined;
    }
    const span = { start: at, end: positionOf(statement.end) };
    if (isPlainBegin(control) && !this.open && (!this.noTransaction || first)) {
      this.open = span;
      return undefined;
    }
    if (isPlainCommit(control) && this.open) {
      this.pairs.push(this.open, span);
      this.open = undefined;
      this.closedBlock = true;
      return undefined;
    }
    return this.problem(this.describe(control, Boolean(this.open)), at);
  }

  /** After the last statement: a BEGIN never committed. */
  end(): TransactionProblem | undefined {
    if (!this.open) return undefined;
    return this.problem(
      this.noTransaction
        ? 'BEGIN is never committed: the rest of the run would land in its transaction'
        : 'BEGIN is never committed: the file does not say where its transaction ends',
      this.open.start,
    );
  }

  /** The BEGIN and COMMIT statements to fold into launchdb's transaction; none when nothing folds. */
  folded(): StatementSpan[] {
    if (this.problems > 0 || this.open) return [];
    if (this.noTransaction && (this.ranBare || this.pairs.length !== 2)) return [];
    return this.pairs;
  }

  private problem(message: string, at: Position): TransactionProblem {
    this.problems++;
    return { message, at };
  }

  private describe(control: TransactionStmt, inBlock: boolean): string {
    const word = TRANSACTION_WORDS[control.kind!];
    if (this.noTransaction) {
      return `${word} in a no-transaction migration: a failure part-way leaves some statements applied and the migration unrecorded`;
    }
    if (isPlainBegin(control)) {
      return "BEGIN inside the file's own BEGIN … COMMIT: Postgres has no nested transactions, so the first COMMIT would end both";
    }
    if (isPlainCommit(control)) {
      return "COMMIT with no BEGIN before it ends launchdb's transaction: a later failure leaves the change half applied and unrecorded";
    }
    return `${word}${inBlock ? " inside the file's own BEGIN … COMMIT" : ' inside a migration'} ends or nests launchdb's transaction: a later failure leaves the change half applied and unrecorded`;
  }
}

/** BEGIN or START TRANSACTION without modes, which launchdb's own transaction would not keep. */
function isPlainBegin(control: TransactionStmt): boolean {
  const opens = control.kind === 'TRANS_STMT_BEGIN' || control.kind === 'TRANS_STMT_START';
  return opens && (control.options ?? []).length === 0;
}

/** COMMIT or END, without AND CHAIN. */
function isPlainCommit(control: TransactionStmt): boolean {
  return control.kind === 'TRANS_STMT_COMMIT' && !control.chain;
}

/**
 * The migration as launchdb runs it: its own BEGIN and COMMIT statements blanked out (every other
 * character, and so every line and column, where it was) and run in launchdb's transaction. Its
 * checksum stays the file's: the file is not edited, and the history row says so.
 */
export function foldOwnTransactions(file: MigrationFile, spans: readonly StatementSpan[]): MigrationFile {
  const { version, name, path, source, size, checksum } = file;
  const pieces = () => blankSpans(file.pieces(), spans);
  return {
    version,
    name,
    file: file.file,
    path,
    source,
    size,
    checksum,
    noTransaction: false,
    pieces,
    get sql() {
      return [...pieces()].join('');
    },
  };
}

/** The pieces (which end at line ends) with each span's characters, line breaks aside, as spaces. */
function* blankSpans(pieces: Iterable<string>, spans: readonly StatementSpan[]): Generator<string> {
  let line = 1;
  for (const piece of pieces) {
    const lines = piece.split('\n');
    const last = line + lines.length - 1;
    const touched = spans.filter((span) => span.start.line <= last && span.end.line >= line);
    yield touched.length === 0
      ? piece
      : lines.map((text, index) => blankLine(text, line + index, touched)).join('\n');
    line = last;
  }
}

function blankLine(text: string, line: number, spans: readonly StatementSpan[]): string {
  // Columns count from after a byte-order mark, as the parser saw the file.
  const shift = line === 1 && text.startsWith('\uFEFF') ? 1 : 0;
  let out = text;
  for (const { start, end } of spans) {
    if (line < start.line || line > end.line) continue;
    const from = line === start.line ? start.column - 1 + shift : 0;
    const to = line === end.line ? end.column - 1 + shift : out.length;
    out = out.slice(0, from) + out.slice(from, to).replace(/[^\r]/g, ' ') + out.slice(to);
  }
  return out;
}
