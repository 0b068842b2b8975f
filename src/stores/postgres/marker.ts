// launchdb's own schema in each attached database: the isolation marker and the canary table.
import { UsageError } from '../../core/errors.js';
import { VERSION } from '../../version.js';
import type { Queryable } from './database.js';

export interface Marker {
  project: string;
  environment: string;
  attachedAt: string;
}

const SCHEMA_SQL = `
create schema if not exists launchdb;
create table if not exists launchdb.environment (
  singleton boolean primary key default true check (singleton),
  project text not null,
  environment text not null,
  attached_at timestamptz not null default now(),
  launchdb_version text not null
);
create table if not exists launchdb.canary (
  id bigint generated always as identity primary key,
  token text not null,
  written_at timestamptz not null default now()
);`;

/** The marker of the database, or undefined when launchdb never attached it. */
export async function readMarker(db: Queryable): Promise<Marker | undefined> {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.environment') is not null as exists`,
  );
  if (!rows[0]?.exists) return undefined;
  const marker = await db.query<{ project: string; environment: string; attached_at: Date | string }>(
    'select project, environment, attached_at from launchdb.environment',
  );
  const row = marker.rows[0];
  if (!row) return undefined;
  return {
    project: row.project,
    environment: row.environment,
    attachedAt: new Date(row.attached_at).toISOString(),
  };
}

/**
 * The database's marker; one of another environment or project is refused (exit 2): whatever name a
 * command was given, it never changes a database that belongs to another environment.
 */
export async function refuseForeignMarker(
  db: Queryable,
  project: string,
  environment: string,
  location: string,
): Promise<Marker | undefined> {
  const existing = await readMarker(db);
  if (existing && (existing.project !== project || existing.environment !== environment)) {
    throw new UsageError(
      `${location} is already attached to environment "${existing.environment}" of project "${existing.project}"; refusing to use it as "${environment}"; nothing was changed`,
      { fix: `give ${environment} its own database: environments must be isolated` },
    );
  }
  return existing;
}

/**
 * Creates launchdb's schema and marks the database as this environment's. A database marked for
 * another environment or project is refused: environments never share a database.
 */
export async function ensureMarker(db: Queryable, project: string, environment: string, location: string) {
  const existing = await refuseForeignMarker(db, project, environment, location);
  await db.query(SCHEMA_SQL);
  if (!existing) {
    await db.query(
      'insert into launchdb.environment (project, environment, launchdb_version) values ($1, $2, $3) on conflict do nothing',
      [project, environment, VERSION],
    );
  }
  return { created: !existing };
}
