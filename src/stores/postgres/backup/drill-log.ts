// The drill log, `launchdb.drills`: each restore test of a backup, whether it passed, its RTO and RPO.
import { VERSION } from '../../../version.js';
import type { Queryable } from '../database.js';
import { osUser } from './restore-log.js';

/** What a drill found: the row `launchdb.drills` keeps of it. */
export interface DrillOutcome {
  backupId: string;
  ok: boolean;
  scratch: 'embedded' | 'server';
  /** Time to restore (the recovery time objective the drill proves); null when the drill failed. */
  restoreMs: number | null;
  /** Age of the backup's data when the drill ran (the recovery point it would give). */
  dataAgeMs: number;
  tables: number;
  rows: number;
  /** Everything that did not match, in plain sentences; empty when the drill passed. */
  problems: string[];
}

/** A recorded drill: its outcome, when, and who ran it. */
export interface DrillRecord extends DrillOutcome {
  ranAt: string;
  /** Database role and operating-system user that ran it. */
  ranBy: string;
  ranByOsUser: string;
}

const CREATE_LOG = `
create schema if not exists launchdb;
create table if not exists launchdb.drills (
  id bigint generated always as identity primary key,
  backup_id text not null,
  ok boolean not null,
  scratch text not null,
  restore_ms integer,
  data_age_ms bigint not null,
  tables integer not null,
  rows bigint not null,
  problems jsonb not null default '[]',
  ran_at timestamptz not null default now(),
  ran_by text not null default current_user,
  ran_by_os_user text not null,
  launchdb_version text not null
);
-- Logs made before a failed drill recorded no RTO required one.
alter table launchdb.drills alter column restore_ms drop not null;`;

export async function recordDrill(db: Queryable, record: DrillOutcome) {
  await db.query(CREATE_LOG);
  await db.query(
    `insert into launchdb.drills (backup_id, ok, scratch, restore_ms, data_age_ms, tables, rows, problems, ran_by_os_user, launchdb_version)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.backupId,
      record.ok,
      record.scratch,
      record.restoreMs,
      record.dataAgeMs,
      record.tables,
      record.rows,
      JSON.stringify(record.problems),
      osUser(),
      VERSION,
    ],
  );
}

/** The newest drills first; none when no drill was ever recorded. */
export async function readDrills(db: Queryable, limit = 20): Promise<DrillRecord[]> {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.drills') is not null as exists`,
  );
  if (!rows[0]?.exists) return [];
  const { rows: drills } = await db.query<{
    backup_id: string;
    ok: boolean;
    scratch: 'embedded' | 'server';
    restore_ms: number | null;
    data_age_ms: string;
    tables: number;
    rows: string;
    problems: string[];
    ran_at: Date | string;
    ran_by: string;
    ran_by_os_user: string;
  }>(`select * from launchdb.drills order by ran_at desc, id desc limit ${Math.max(1, Math.floor(limit))}`);
  return drills.map((row) => ({
    backupId: row.backup_id,
    ok: row.ok,
    scratch: row.scratch,
    restoreMs: row.restore_ms,
    dataAgeMs: Number(row.data_age_ms),
    tables: row.tables,
    rows: Number(row.rows),
    problems: row.problems,
    ranAt: new Date(row.ran_at).toISOString(),
    ranBy: row.ran_by,
    ranByOsUser: row.ran_by_os_user,
  }));
}
