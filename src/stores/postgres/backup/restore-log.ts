// The restore log, `launchdb.restores`: which backup was restored into this database, by whom, when.
// Written in the restore's own transaction, so it is there exactly when the restore is.
import { userInfo } from 'node:os';
import { VERSION } from '../../../version.js';
import type { Queryable } from '../database.js';
import type { BackupManifest } from './manifest.js';

const CREATE_LOG = `
create schema if not exists launchdb;
create table if not exists launchdb.restores (
  id bigint generated always as identity primary key,
  backup_id text not null,
  from_project text not null,
  from_environment text not null,
  snapshot_at timestamptz not null,
  restored_at timestamptz not null default now(),
  ran_by text not null default current_user,
  ran_by_os_user text not null,
  launchdb_version text not null
);`;

export async function recordRestore(db: Queryable, manifest: BackupManifest): Promise<void> {
  await db.query(CREATE_LOG);
  await db.query(
    `insert into launchdb.restores (backup_id, from_project, from_environment, snapshot_at, ran_by_os_user, launchdb_version)
     values ($1, $2, $3, $4, $5, $6)`,
    [manifest.id, manifest.project, manifest.environment, manifest.snapshotAt, osUser(), VERSION],
  );
}

export async function readRestores(db: Queryable, limit = 20) {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.restores') is not null as exists`,
  );
  if (!rows[0]?.exists) return [];
  const { rows: restores } = await db.query<{
    backup_id: string;
    from_environment: string;
    restored_at: Date | string;
    ran_by: string;
    ran_by_os_user: string;
  }>(`select backup_id, from_environment, restored_at, ran_by, ran_by_os_user from launchdb.restores
      order by restored_at desc, id desc limit ${Math.max(1, Math.floor(limit))}`);
  return restores.map((row) => ({
    backupId: row.backup_id,
    fromEnvironment: row.from_environment,
    restoredAt: new Date(row.restored_at).toISOString(),
    ranBy: row.ran_by,
    ranByOsUser: row.ran_by_os_user,
  }));
}

export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
