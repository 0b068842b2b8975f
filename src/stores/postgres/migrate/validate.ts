// What must hold before `migrate up` changes anything: history consistent with the files, and every
// pending file parsing, with no transaction control of its own.
import { UsageError } from '../../../core/errors.js';
import { loadParser } from '../sql/parser.js';
import { parseChunks } from './lint/parsed-chunks.js';
import type { MigrationFile } from './migration-files.js';
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

/** Checksums of files already found valid in this process: a plan and its run parse each file once. */
const valid = new Set<string>();

/**
 * Parses every file first, so a syntax error anywhere means nothing is applied. A file is parsed a
 * chunk of statements at a time: a large one costs its chunk's syntax tree, not its own.
 */
export async function validatePending(files: readonly MigrationFile[]): Promise<void> {
  const unchecked = files.filter((file) => !valid.has(`${file.noTransaction}:${file.checksum}`));
  if (unchecked.length === 0) return;
  const parser = await loadParser();
  for (const file of unchecked) {
    for (const chunk of parseChunks(parser, () => file.pieces())) {
      if ('failure' in chunk) {
        const { line, column } = chunk.position;
        throw new UsageError(
          `${file.file}:${line}:${column}: ${chunk.failure.message}; nothing was applied`,
          {
            fix: 'fix the SQL (`launchdb migrate lint` checks every file)',
          },
        );
      }
      const control = chunk.statements.find((statement) => statement.get('TransactionStmt'));
      if (control && !file.noTransaction) {
        const at = chunk.positionOfByte(control.start);
        throw new UsageError(
          `${file.file}:${at.line}: transaction control inside a migration; launchdb runs each migration in its own transaction`,
          { fix: 'remove BEGIN/COMMIT, or make the first line `-- launchdb:no-transaction`' },
        );
      }
    }
    valid.add(`${file.noTransaction}:${file.checksum}`);
  }
}
