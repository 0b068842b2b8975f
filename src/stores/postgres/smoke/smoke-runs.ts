// `launchdb.smoke_runs`: every smoke run of the environment, started and finished, with its steps and
// whether its rows were cleaned up. A run still `running` whose process is gone was killed: the next
// run sweeps its rows (sweep.ts).
//
// Written by the owner only (the runner opens the owner's connection); the app and read-only roles
// read it through attach's default privileges on the owner's new launchdb tables, and never write:
// whoever holds the app's credentials must not be able to record a passing run.
import type { RecordPlace } from '../../../smoke/spec.js';
import { VERSION } from '../../../version.js';
import { osUser } from '../backup/restore-log.js';
import type { Queryable } from '../database.js';
import { type TableAccess, tableAccess } from '../table-access.js';

export type SmokeRunStatus = 'running' | 'passed' | 'failed';

export interface SmokeRunRecord {
  id: string;
  environment: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: SmokeRunStatus;
  specFile: string;
  specChecksum: string;
  records: RecordPlace[];
  steps: unknown[];
  /** No row carrying the run id remained after the `finally` steps; null when not checked. */
  cleaned: boolean | null;
  /** The spec keeps its rows (no clean-up): allowed outside guarded environments. */
  keepsRows: boolean;
  /** Who ran it, as the audit trail names actors (LAUNCHDB_ACTOR, git email, OS user). */
  startedBy: string;
  /** The database role that recorded it. */
  startedAs: string;
  note: string | null;
}

const CREATE_TABLE = `
create schema if not exists launchdb;
create table if not exists launchdb.smoke_runs (
  id text primary key check (id ~ '^smoke-[0-9a-z]{10}$'),
  environment text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'passed', 'failed')),
  spec_file text not null,
  spec_checksum text not null,
  records jsonb not null,
  keeps_rows boolean not null default false,
  steps jsonb not null default '[]',
  cleaned boolean,
  started_by text not null,
  started_as text not null default current_user,
  note text,
  launchdb_version text not null
);
create index if not exists smoke_runs_started_at on launchdb.smoke_runs (started_at);
comment on table launchdb.smoke_runs is 'launchdb smoke: each run, its steps and whether its rows were cleaned up (see launchdb smoke)';`;

export async function startSmokeRun(
  owner: Queryable,
  run: {
    id: string;
    environment: string;
    specFile: string;
    specChecksum: string;
    records: RecordPlace[];
    keepsRows: boolean;
    /** The actor (whoIsActing(...).id); default the operating-system user. */
    startedBy?: string;
  },
): Promise<void> {
  // Made when missing only: the statements would need ownership of a table made by another
  // environment's owner (a restore brings it), which the insert then reports more plainly.
  const { rows } = await owner.query<{ exists: boolean }>(
    `select to_regclass('launchdb.smoke_runs') is not null as exists`,
  );
  if (!rows[0]?.exists) await owner.query(CREATE_TABLE);
  await owner.query(
    `insert into launchdb.smoke_runs (id, environment, spec_file, spec_checksum, records, keeps_rows, started_by, launchdb_version)
     values ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8)`,
    [
      run.id,
      run.environment,
      run.specFile,
      run.specChecksum,
      JSON.stringify(run.records),
      run.keepsRows,
      run.startedBy ?? osUser(),
      VERSION,
    ],
  );
}

export async function finishSmokeRun(
  owner: Queryable,
  id: string,
  result: { status: 'passed' | 'failed'; steps: unknown[]; cleaned: boolean | null; note?: string },
): Promise<void> {
  const { rows } = await owner.query<{ id: string }>(
    `update launchdb.smoke_runs
        set status = $2, finished_at = now(), steps = $3::text::jsonb, cleaned = $4, note = coalesce($5, note)
      where id = $1 returning id`,
    [id, result.status, JSON.stringify(result.steps), result.cleaned, result.note ?? null],
  );
  if (rows.length === 0) throw new Error(`smoke run ${id} was never started in launchdb.smoke_runs`);
}

const COLUMNS = `id, environment, started_at, finished_at, status, spec_file, spec_checksum, records, steps,
  cleaned, keeps_rows, started_by, started_as, note`;

interface SmokeRunRow {
  id: string;
  environment: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  status: SmokeRunStatus;
  spec_file: string;
  spec_checksum: string;
  records: RecordPlace[] | string;
  steps: unknown[] | string;
  cleaned: boolean | null;
  keeps_rows: boolean;
  started_by: string;
  started_as: string;
  note: string | null;
}

/** The newest run (by start), or the newest that passed or failed; undefined when none, or unreadable. */
export async function lastSmokeRun(
  db: Queryable,
  options: { status?: 'passed' | 'failed' } = {},
): Promise<SmokeRunRecord | undefined> {
  if (!(await smokeRunsReadable(db))) return undefined;
  const { rows } = await db.query<SmokeRunRow>(
    `select ${COLUMNS} from launchdb.smoke_runs where $1::text is null or status = $1::text
      order by started_at desc, id desc limit 1`,
    [options.status ?? null],
  );
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** The newest `limit` runs, newest first (by start); none when there is no table, or it is unreadable. */
export async function listSmokeRuns(db: Queryable, options: { limit: number }): Promise<SmokeRunRecord[]> {
  if (!(await smokeRunsReadable(db))) return [];
  const { rows } = await db.query<SmokeRunRow>(
    `select ${COLUMNS} from launchdb.smoke_runs order by started_at desc, id desc limit $1`,
    [options.limit],
  );
  return rows.map(recordOf);
}

/** Runs still `running`, oldest first: killed, unless one is under way right now. */
export async function unfinishedSmokeRuns(db: Queryable): Promise<SmokeRunRecord[]> {
  if (!(await smokeRunsReadable(db))) return [];
  const { rows } = await db.query<SmokeRunRow>(
    `select ${COLUMNS} from launchdb.smoke_runs where status = 'running' order by started_at, id`,
  );
  return rows.map(recordOf);
}

/**
 * The ids of finished runs whose rows may stay: the spec kept them and the clean-up did not claim
 * them gone. Values carrying any other run id are leftovers (scan/smoke-values.ts).
 */
export async function keptSmokeRunIds(db: Queryable): Promise<Set<string>> {
  if (!(await smokeRunsReadable(db))) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `select id from launchdb.smoke_runs
      where status in ('passed', 'failed') and keeps_rows and cleaned is not true`,
  );
  return new Set(rows.map((row) => row.id));
}

/** Asked first (tableAccess): a role without the table, or without SELECT on it, errs nowhere. */
export function smokeRunsAccess(db: Queryable): Promise<TableAccess> {
  return tableAccess(db, 'launchdb.smoke_runs');
}

async function smokeRunsReadable(db: Queryable): Promise<boolean> {
  return (await smokeRunsAccess(db)) === 'readable';
}

function recordOf(row: SmokeRunRow): SmokeRunRecord {
  return {
    id: row.id,
    environment: row.environment,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    status: row.status,
    specFile: row.spec_file,
    specChecksum: row.spec_checksum,
    records: jsonOf(row.records),
    steps: jsonOf(row.steps),
    cleaned: row.cleaned,
    keepsRows: row.keeps_rows,
    startedBy: row.started_by,
    startedAs: row.started_as,
    note: row.note,
  };
}

/** pg and PGlite both parse jsonb; a text value (a driver that does not) is parsed here. */
function jsonOf<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export { lastMigrationAppliedAt } from '../migrate/history.js';
