// Files against history: applied, pending, out of order, changed after being applied, missing.
import type { AppliedMigration } from './history.js';
import type { MigrationFile } from './migration-files.js';

export type MigrationState = 'applied' | 'pending' | 'out-of-order' | 'changed' | 'missing';

export interface MigrationStatusEntry {
  version: string;
  name: string;
  state: MigrationState;
  file?: string;
  appliedAt?: string;
  appliedBy?: string;
  source?: string;
}

export interface MigrationStatus {
  entries: MigrationStatusEntry[];
  applied: number;
  /** Pending files newer than the newest applied one: what `migrate up` applies. */
  pending: MigrationFile[];
  /** Pending files older than the newest applied one, e.g. after a branch merge. */
  outOfOrder: MigrationFile[];
  /** Applied files whose content changed since. */
  changed: MigrationStatusEntry[];
  /** Applied migrations whose file is gone. */
  missing: MigrationStatusEntry[];
}

export function migrationStatus(
  files: readonly MigrationFile[],
  history: readonly AppliedMigration[],
): MigrationStatus {
  const applied = new Map(history.map((row) => [row.version, row]));
  const newestApplied =
    history
      .map((row) => row.version)
      .sort()
      .at(-1) ?? '';
  const status: MigrationStatus = {
    entries: [],
    applied: 0,
    pending: [],
    outOfOrder: [],
    changed: [],
    missing: [],
  };
  const fileVersions = new Set(files.map((file) => file.version));

  for (const file of files) {
    const row = applied.get(file.version);
    if (!row) {
      const late = file.version < newestApplied;
      (late ? status.outOfOrder : status.pending).push(file);
      status.entries.push({
        version: file.version,
        name: file.name,
        file: file.file,
        state: late ? 'out-of-order' : 'pending',
      });
      continue;
    }
    const entry: MigrationStatusEntry = {
      version: file.version,
      name: file.name,
      file: file.file,
      state: row.checksum === file.checksum ? 'applied' : 'changed',
      appliedAt: row.appliedAt,
      appliedBy: row.appliedBy,
      source: row.source,
    };
    if (entry.state === 'changed') status.changed.push(entry);
    else status.applied++;
    status.entries.push(entry);
  }
  for (const row of history) {
    if (fileVersions.has(row.version)) continue;
    const entry: MigrationStatusEntry = {
      version: row.version,
      name: row.name,
      state: 'missing',
      appliedAt: row.appliedAt,
      appliedBy: row.appliedBy,
      source: row.source,
    };
    status.missing.push(entry);
    status.entries.push(entry);
  }
  status.entries.sort((a, b) => a.version.localeCompare(b.version));
  return status;
}

/** Nothing pending, out of order, changed or missing. */
export function isClean(status: MigrationStatus): boolean {
  return (
    status.pending.length === 0 &&
    status.outOfOrder.length === 0 &&
    status.changed.length === 0 &&
    status.missing.length === 0
  );
}
