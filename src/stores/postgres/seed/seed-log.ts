// The seed log, `launchdb.seeds`: one row per application of a seed file — what, which version, who, when.
import { VERSION } from '../../../version.js';
import type { Queryable } from '../database.js';
import type { SeedKind } from './seed-files.js';

export interface AppliedSeed {
  kind: SeedKind;
  /** The file name within its kind's folder: `010_plans.json`. */
  name: string;
  checksum: string;
  appliedAt: string;
  /** The database role that applied it (`current_user`). */
  appliedBy: string;
  durationMs: number;
  launchdbVersion: string;
}

// A log, not a ledger: reference seeds are applied on every run, and each application is a row.
const CREATE_LOG = `
create schema if not exists launchdb;
create table if not exists launchdb.seeds (
  id bigint generated always as identity primary key,
  name text not null,
  kind text not null check (kind in ('reference', 'demo')),
  checksum text not null,
  applied_at timestamptz not null default now(),
  applied_by text not null default current_user,
  duration_ms integer not null default 0,
  launchdb_version text not null
);
create index if not exists seeds_kind_name_idx on launchdb.seeds (kind, name, id);`;

export async function ensureSeedLog(db: Queryable): Promise<void> {
  await db.query(CREATE_LOG);
}

/** Whether any seed was ever applied here: the log exists. */
export async function hasSeedLog(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    `select to_regclass('launchdb.seeds') is not null as present`,
  );
  return rows[0]?.present === true;
}

/** The latest application of each seed file, by kind then name; none when the log does not exist yet. */
export async function readSeedLog(db: Queryable): Promise<AppliedSeed[]> {
  if (!(await hasSeedLog(db))) return [];
  const { rows } = await db.query<{
    kind: SeedKind;
    name: string;
    checksum: string;
    applied_at: Date | string;
    applied_by: string;
    duration_ms: number;
    launchdb_version: string;
  }>(
    `select distinct on (kind, name) kind, name, checksum, applied_at, applied_by, duration_ms, launchdb_version
       from launchdb.seeds order by kind, name, id desc`,
  );
  return rows.map((row) => ({
    kind: row.kind,
    name: row.name,
    checksum: row.checksum,
    appliedAt: new Date(row.applied_at).toISOString(),
    appliedBy: row.applied_by,
    durationMs: Number(row.duration_ms),
    launchdbVersion: row.launchdb_version,
  }));
}

/** Records one application, inside the transaction that applied the file, so both commit or neither. */
export async function recordSeed(
  tx: Queryable,
  seed: { kind: SeedKind; name: string; checksum: string },
  durationMs: number,
): Promise<void> {
  await tx.query(
    'insert into launchdb.seeds (name, kind, checksum, duration_ms, launchdb_version) values ($1, $2, $3, $4, $5)',
    [seed.name, seed.kind, seed.checksum, Math.round(durationMs), VERSION],
  );
}
