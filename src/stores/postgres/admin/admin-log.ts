// The admin log, `launchdb.admins`: who owns each admin launchdb created, why, who created it and when.
import { userInfo } from 'node:os';
import { VERSION } from '../../../version.js';
import type { Queryable } from '../database.js';

export interface AdminRecord {
  email: string;
  name: string | null;
  /** Who owns the account: `Name <email>`. */
  owner: string;
  reason: string | null;
  /** The database role that created it (`current_user`). */
  createdBy: string;
  /** The operating-system user that ran launchdb. */
  createdByOsUser: string;
  createdAt: string;
  launchdbVersion: string;
}

export type NewAdminRecord = Pick<AdminRecord, 'email' | 'name' | 'owner' | 'reason'>;

// One row per admin email, compared case-insensitively, as mail systems do in practice.
const CREATE_LOG = `
create schema if not exists launchdb;
create table if not exists launchdb.admins (
  id bigint generated always as identity primary key,
  email text not null,
  name text,
  owner text not null,
  reason text,
  created_by text not null default current_user,
  created_by_os_user text not null,
  created_at timestamptz not null default now(),
  launchdb_version text not null
);
create unique index if not exists admins_email_key on launchdb.admins (lower(email));`;

export async function ensureAdminLog(db: Queryable): Promise<void> {
  await db.query(CREATE_LOG);
}

/**
 * Records an admin. An email recorded before (an admin removed from the app and created again) gets
 * the new owner, reason and time: the log describes the admins there are, one row each.
 */
export async function recordAdmin(db: Queryable, admin: NewAdminRecord): Promise<AdminRecord> {
  const { rows } = await db.query<LogRow>(
    `insert into launchdb.admins (email, name, owner, reason, created_by_os_user, launchdb_version)
     values ($1, $2, $3, $4, $5, $6)
     on conflict ((lower(email))) do update set
       email = excluded.email, name = excluded.name, owner = excluded.owner, reason = excluded.reason,
       created_by = default, created_by_os_user = excluded.created_by_os_user,
       created_at = default, launchdb_version = excluded.launchdb_version
     returning ${COLUMNS}`,
    [admin.email, admin.name, admin.owner, admin.reason, osUser(), VERSION],
  );
  return recordOf(rows[0]!);
}

/** Every recorded admin by lower-cased email; none when the log does not exist yet. */
export async function readAdminLog(db: Queryable): Promise<Map<string, AdminRecord>> {
  const { rows: exists } = await db.query<{ present: boolean }>(
    `select to_regclass('launchdb.admins') is not null as present`,
  );
  if (!exists[0]?.present) return new Map();
  const { rows } = await db.query<LogRow>(
    `select ${COLUMNS} from launchdb.admins order by created_at, email`,
  );
  return new Map(rows.map((row) => [adminKey(row.email), recordOf(row)]));
}

/** How emails are compared: case-insensitively. */
export function adminKey(email: string): string {
  return email.toLowerCase();
}

const COLUMNS = 'email, name, owner, reason, created_by, created_by_os_user, created_at, launchdb_version';

interface LogRow {
  email: string;
  name: string | null;
  owner: string;
  reason: string | null;
  created_by: string;
  created_by_os_user: string;
  created_at: Date | string;
  launchdb_version: string;
}

function recordOf(row: LogRow): AdminRecord {
  return {
    email: row.email,
    name: row.name,
    owner: row.owner,
    reason: row.reason,
    createdBy: row.created_by,
    createdByOsUser: row.created_by_os_user,
    createdAt: new Date(row.created_at).toISOString(),
    launchdbVersion: row.launchdb_version,
  };
}

/** The OS user running launchdb; a container without a passwd entry still has $USER or a uid. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
