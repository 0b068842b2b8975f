// `migrate baseline`: adopts a database whose schema predates launchdb by recording the migrations
// that describe it as applied, without running them.
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../version.js';
import type { PostgresDatabase } from '../database.js';
import { acquireMigrationLock, releaseMigrationLock } from './advisory-lock.js';
import { ensureHistory, readHistory, recordSql } from './history.js';
import type { MigrationFile } from './migration-files.js';

export async function recordAsApplied(
  db: PostgresDatabase,
  files: readonly MigrationFile[],
  options: { to?: string; source: string; lockTimeoutMs: number; location: string },
): Promise<MigrationFile[]> {
  if (options.to !== undefined && !files.some((file) => file.version === options.to)) {
    throw new UsageError(`--to ${options.to} is not the version of any migration file`);
  }
  const chosen = files.filter((file) => options.to === undefined || file.version <= options.to);
  return db.withConnection(async (session) => {
    await acquireMigrationLock(session, options.lockTimeoutMs, options.location);
    try {
      await ensureHistory(session);
      const history = await readHistory(session);
      if (history.length > 0) {
        throw new UsageError(
          `${options.location} already has a migration history (${history.length} applied)`,
          {
            fix: 'baseline is for a database without one; use `launchdb migrate status` to see it',
          },
        );
      }
      if (chosen.length > 0) {
        const inserts = chosen.map((file) =>
          recordSql(file, VERSION, { source: options.source, durationMs: 0 }),
        );
        try {
          await session.query(`begin;\n${inserts.join(';\n')};\ncommit;`);
        } catch (error) {
          await session.query('rollback').catch(() => {});
          throw error;
        }
      }
      return chosen;
    } finally {
      await releaseMigrationLock(session).catch(() => {});
    }
  });
}
