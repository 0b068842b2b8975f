// One of the control database's own migrations: shipped as a TypeScript module, so `tsc` puts it
// in dist/ (it would not copy a .sql file), and applied by migrate-control.ts.
import { checksumOf } from '../stores/postgres/migrate/migration-files.js';

export interface ControlMigration {
  /** Four digits, `0001`, `0002`, …: orders the migrations as strings. */
  version: string;
  /** kebab-case, as the module is named: `check-runs`. */
  name: string;
  /** Runs in one transaction with its history row. */
  sql: string;
}

/** What the history records of a migration: its version, name and the checksum of its SQL. */
export function recordOf(migration: ControlMigration): { version: string; name: string; checksum: string } {
  return { version: migration.version, name: migration.name, checksum: checksumOf(migration.sql) };
}
