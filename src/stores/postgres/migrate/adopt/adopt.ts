// `migrate adopt`: records the migrations another tool applied as applied in launchdb's history,
// under the migration lock and in one transaction, so nothing runs twice.
import { VERSION } from '../../../../version.js';
import type { PostgresDatabase, Queryable } from '../../database.js';
import { acquireMigrationLock, releaseMigrationLock } from '../advisory-lock.js';
import { ensureHistory, readHistory, recordSql } from '../history.js';
import type { MigrationFile } from '../migration-files.js';
import type { AdoptProject, AdoptTool } from './history-source.js';
import { findHistoryTable } from './history-table.js';
import { HISTORY_SOURCES } from './index.js';
import { type HistoryMatch, matchHistory } from './match-history.js';

export interface AdoptOptions {
  project: AdoptProject;
  /** Wait this long for another run's migration lock. */
  lockTimeoutMs: number;
  /** Where, for messages: `host:port/db` or the embedded folder. */
  location: string;
  /** Plan only: read both histories, change nothing, take no lock. */
  dryRun?: boolean;
}

export interface MigrationRef {
  version: string;
  name: string;
  file: string;
}

export interface AdoptResult {
  tool: AdoptTool;
  /** The tool's history table that was read, `schema.table`. */
  table: string;
  dryRun: boolean;
  /** Recorded as applied by this run (with a dry run: what would be). */
  adopted: MigrationRef[];
  /** Applied by the tool and already in launchdb's history: left as they are. */
  alreadyRecorded: MigrationRef[];
  /** History rows naming no migration of the project: reported, not recorded. */
  unmatched: HistoryMatch['unmatched'];
  /** History rows the tool itself does not count as applied. */
  ignored: HistoryMatch['ignored'];
  /** Adopted or recorded migrations whose file changed since the tool applied it. */
  changed: MigrationRef[];
}

export async function adoptMigrations(
  db: PostgresDatabase,
  tool: AdoptTool,
  options: AdoptOptions,
): Promise<AdoptResult> {
  if (options.dryRun) {
    const plan = await planAdoption(db, tool, options);
    return { ...plan.result, dryRun: true };
  }
  return db.withConnection(async (session) => {
    await acquireMigrationLock(session, options.lockTimeoutMs, options.location);
    try {
      // Read after taking the lock: whatever a concurrent run recorded meanwhile is not adopted again.
      const { result, record } = await planAdoption(session, tool, options);
      if (record.length > 0) {
        await ensureHistory(session);
        const inserts = record.map((file) =>
          recordSql(file, VERSION, { source: `adopt:${tool}`, durationMs: 0 }),
        );
        try {
          await session.query(`begin;\n${inserts.join(';\n')};\ncommit;`);
        } catch (error) {
          await session.query('rollback').catch(() => {});
          throw error;
        }
      }
      return result;
    } finally {
      await releaseMigrationLock(session).catch(() => {});
    }
  });
}

async function planAdoption(
  db: Queryable,
  tool: AdoptTool,
  options: AdoptOptions,
): Promise<{ result: AdoptResult; record: MigrationFile[] }> {
  const source = HISTORY_SOURCES[tool];
  // The tool's table first: a wrong --from stops here, before launchdb creates anything.
  const table = await findHistoryTable(db, source, options.location);
  const match = matchHistory(await source.read(db, table.qualified, options.project), options.project.files);
  const recorded = new Set((await readHistory(db)).map((row) => row.version));
  const record = match.applied.filter((file) => !recorded.has(file.version));
  return {
    record,
    result: {
      tool,
      table: table.shown,
      dryRun: false,
      adopted: record.map(ref),
      alreadyRecorded: match.applied.filter((file) => recorded.has(file.version)).map(ref),
      unmatched: match.unmatched,
      ignored: match.ignored,
      changed: match.changed.map(ref),
    },
  };
}

function ref(file: MigrationFile): MigrationRef {
  return { version: file.version, name: file.name, file: file.file };
}
