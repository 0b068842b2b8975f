// Who the demo-data scan reads as: the owner of the app's tables, so a table the app may not read is
// still scanned.
import type { PostgresDatabase } from '../database.js';
import { type OpenOptions, openPostgres } from '../open.js';
import type { PostgresSession } from '../session.js';
import { connectTimeoutOf } from '../target.js';

/**
 * Opens the database as the scan's reader. On a server attached with `--admin-url` that is the
 * owner (`DATABASE_MIGRATION_URL`): it owns what the migrations created, so it may read tables the
 * app may not (a new schema nobody granted), and row-level security hides no rows from it unless the
 * table forces it. The scan only runs SELECTs of columns. With one URL (a managed database, or
 * embedded) the reader is the role that URL names.
 */
export function openScanReader(
  target: Parameters<typeof openPostgres>[0],
  options: Omit<OpenOptions, 'as'>,
): Promise<PostgresDatabase> {
  return openPostgres(target, { ...options, as: 'migration' });
}

export interface ScanReader {
  db: PostgresDatabase;
  close(): Promise<void>;
}

/**
 * The reader for a check, beside the session's app connection: the session's own when its URL is
 * the reader's already (embedded, one URL), else a pool of `max` connections as the owner.
 */
export async function sessionScanReader(session: PostgresSession, max: number): Promise<ScanReader> {
  const { target } = session;
  if (target.backing === 'embedded' || target.migrationUrl === target.url) {
    return { db: await session.db(), close: async () => {} };
  }
  const db = await openScanReader(target, {
    connectTimeoutMs: connectTimeoutOf(session.env),
    command: 'check',
    max,
  });
  return { db, close: () => db.close() };
}
