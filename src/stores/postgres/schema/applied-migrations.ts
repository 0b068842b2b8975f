// The migrations drift replays: those the database applied, in the order it applied them. A pending
// one is schema.migrations-pending's business; replayed, it would read as a change undone by hand.
import { listed } from '../checks/migration-state.js';
import type { AppliedMigration } from '../migrate/history.js';
import type { MigrationFile } from '../migrate/migration-files.js';
import { migrationStatus } from '../migrate/status.js';

export interface AppliedFiles {
  /** The files of the applied migrations, in the order they were applied (an out-of-order one where it ran). */
  files: MigrationFile[];
  /** What is left out, or replayed otherwise than it was applied: for the user to read. */
  notes: string[];
}

export function appliedFiles(
  files: readonly MigrationFile[],
  history: readonly AppliedMigration[],
): AppliedFiles {
  const status = migrationStatus(files, history);
  const byVersion = new Map(files.map((file) => [file.version, file]));
  // Recorded order: when each was applied; those recorded together (baseline, adopt) by version.
  const order = [...history].sort(
    (a, b) => a.appliedAt.localeCompare(b.appliedAt) || a.version.localeCompare(b.version),
  );
  const notes: string[] = [];
  const pending = [...status.outOfOrder, ...status.pending];
  if (pending.length > 0) {
    notes.push(
      `${count(pending.length)} not applied yet ${pending.length === 1 ? 'is' : 'are'} left out (schema.migrations-pending reports ${pending.length === 1 ? 'it' : 'them'}): ${listed(pending)}`,
    );
  }
  if (status.missing.length > 0) {
    notes.push(
      `${count(status.missing.length)} applied here ${status.missing.length === 1 ? 'has' : 'have'} no file to replay (schema.migrations-checksum reports ${status.missing.length === 1 ? 'it' : 'them'}): ${listed(status.missing)}`,
    );
  }
  if (status.changed.length > 0) {
    notes.push(
      `${count(status.changed.length)} changed since applied ${status.changed.length === 1 ? 'is' : 'are'} replayed as the file is now (schema.migrations-checksum reports ${status.changed.length === 1 ? 'it' : 'them'}): ${listed(status.changed)}`,
    );
  }
  return { files: order.flatMap((row) => byVersion.get(row.version) ?? []), notes };
}

function count(migrations: number): string {
  return `${migrations} migration${migrations === 1 ? '' : 's'}`;
}
