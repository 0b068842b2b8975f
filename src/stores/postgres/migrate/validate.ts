// What must hold before `migrate up` changes anything: history consistent with the files, and every
// pending file parsing, with no transaction control of its own beyond plain BEGIN … COMMIT blocks.
import { UsageError } from '../../../core/errors.js';
import { loadParser, type SqlParser } from '../sql/parser.js';
import { parseChunks } from './lint/parsed-chunks.js';
import type { MigrationFile } from './migration-files.js';
import {
  foldOwnTransactions,
  OwnTransactions,
  type StatementSpan,
  type TransactionProblem,
} from './own-transactions.js';
import type { MigrationStatus } from './status.js';

/** Edited or deleted applied migrations, and unapproved out-of-order ones, stop the run. */
export function refuseInvalidPlan(status: MigrationStatus, allowOutOfOrder: boolean): void {
  if (status.changed.length > 0) {
    throw new UsageError(
      `applied migration${status.changed.length > 1 ? 's' : ''} changed since: ${status.changed.map((entry) => entry.file).join(', ')}`,
      {
        fix: 'restore the applied file and put the change in a new migration (`launchdb migrate verify` shows each)',
      },
    );
  }
  if (status.missing.length > 0) {
    throw new UsageError(
      `applied migration${status.missing.length > 1 ? 's have' : ' has'} no file: ${status.missing.map((entry) => `${entry.version}_${entry.name}`).join(', ')}`,
      { fix: 'restore the deleted files; an applied migration stays in the project' },
    );
  }
  if (status.outOfOrder.length > 0 && !allowOutOfOrder) {
    throw new UsageError(
      `pending migration${status.outOfOrder.length > 1 ? 's are' : ' is'} older than the newest applied one: ${status.outOfOrder.map((file) => file.file).join(', ')}`,
      {
        fix: 'review them (a branch merge?) and run again with --allow-out-of-order, or give them new versions',
      },
    );
  }
}

/**
 * Files already found valid in this process, by checksum, with their own BEGIN and COMMIT statements
 * to fold: a plan and its run parse each file once.
 */
const valid = new Map<string, StatementSpan[]>();

/**
 * Parses every file first, so a syntax error anywhere means nothing is applied, and returns the files
 * as launchdb runs them: one whose plain BEGIN … COMMIT blocks fold into its migration's transaction
 * (Prisma's enum changes) comes back folded. A file is parsed a chunk of statements at a time: a
 * large one costs its chunk's syntax tree, not its own.
 */
export async function validatePending(files: readonly MigrationFile[]): Promise<MigrationFile[]> {
  const key = (file: MigrationFile) => `${file.noTransaction}:${file.checksum}`;
  const unchecked = files.filter((file) => !valid.has(key(file)));
  const parser = unchecked.length > 0 ? await loadParser() : undefined;
  for (const file of unchecked) valid.set(key(file), ownTransactionsOf(parser!, file));
  return files.map((file) => {
    const spans = valid.get(key(file))!;
    return spans.length > 0 ? foldOwnTransactions(file, spans) : file;
  });
}

/** The file's BEGIN and COMMIT statements to fold; refused when it does not parse or its transaction control is unsafe. */
function ownTransactionsOf(parser: SqlParser, file: MigrationFile): StatementSpan[] {
  const transactions = new OwnTransactions(file.noTransaction);
  // A no-transaction file's transaction control is for lint to judge: it runs statement by statement.
  const refuse = (problem: TransactionProblem | undefined) => {
    if (!problem || file.noTransaction) return;
    throw new UsageError(
      `${file.file}:${problem.at.line}: transaction control inside a migration: ${problem.message}; nothing was applied`,
      {
        fix: "keep to plain `BEGIN; … COMMIT;` blocks, which launchdb folds into the migration's transaction, or make the first line `-- launchdb:no-transaction`",
      },
    );
  };
  for (const chunk of parseChunks(parser, () => file.pieces())) {
    if ('failure' in chunk) {
      const { line, column } = chunk.position;
      throw new UsageError(`${file.file}:${line}:${column}: ${chunk.failure.message}; nothing was applied`, {
        fix: 'fix the SQL (`launchdb migrate lint` checks every file)',
      });
    }
    for (const statement of chunk.statements) refuse(transactions.next(statement, chunk.positionOfByte));
  }
  refuse(transactions.end());
  return transactions.folded();
}
