// Check runs waiting to enter the control database. Opening the embedded control database (PGlite)
// costs more than a repeat `check` may spend on recording, so `check` leaves its run here instead:
// one file per run, holding one JSON line, written under a temporary name, fsynced and renamed, so
// a reader sees a whole run or none and two checks at once never share a file. Whoever opens the
// control database next ingests them in one transaction, then removes the files it ingested; a
// crash in between leaves files whose run keys are already there, and the next ingest skips them.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../core/project.js';
import type { PostgresDatabase } from '../stores/postgres/database.js';
import { type CheckRunRecord, insertCheckRuns } from './check-run.js';

/** Relative to the project root, for output. */
export const PENDING_LOCATION = '.launchdb/control/pending';

export function pendingDir(project: Project): string {
  return join(project.stateDir, 'control', 'pending');
}

/** Leaves `record` for the next opener of the control database: a few ms, whatever the backing. */
export function writePendingCheckRun(project: Project, record: CheckRunRecord): void {
  const dir = pendingDir(project);
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `.${record.runKey}.tmp`);
  const fd = openSync(temporary, 'wx');
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, `${record.runKey}.json`));
}

/** The names of the runs waiting; none when the folder does not exist. */
export function pendingCheckRunFiles(project: Project): string[] {
  try {
    return readdirSync(pendingDir(project))
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
}

export interface IngestResult {
  /** New rows in check_runs. */
  inserted: number;
  /** Files that do not parse as a run: left in place for a person to look at. */
  unreadable: string[];
}

/** Moves every waiting run into check_runs (one transaction), then removes their files. */
export async function ingestPendingCheckRuns(project: Project, db: PostgresDatabase): Promise<IngestResult> {
  const dir = pendingDir(project);
  const records: CheckRunRecord[] = [];
  const ingested: string[] = [];
  const unreadable: string[] = [];
  for (const name of pendingCheckRunFiles(project)) {
    const record = parseRecord(readFileSync(join(dir, name), 'utf8'));
    if (record) {
      records.push(record);
      ingested.push(name);
    } else unreadable.push(name);
  }
  if (records.length === 0) return { inserted: 0, unreadable };
  const inserted = await db.transaction((tx) => insertCheckRuns(tx, records));
  for (const name of ingested) rmSync(join(dir, name), { force: true });
  return { inserted, unreadable };
}

function parseRecord(text: string): CheckRunRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<CheckRunRecord>;
    const complete =
      typeof record.runKey === 'string' &&
      typeof record.environment === 'string' &&
      (record.verdict === 'ready' || record.verdict === 'not ready') &&
      typeof record.startedAt === 'string' &&
      Array.isArray(record.checks);
    return complete ? (record as CheckRunRecord) : undefined;
  } catch {
    return undefined;
  }
}
