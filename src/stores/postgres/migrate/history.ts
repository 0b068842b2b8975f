// A migration history: what was applied, when, by whom, from which file. The app's is
// `launchdb.migrations`; the control database keeps its own (src/control/).
import type { Queryable } from '../database.js';

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: string;
  appliedBy: string;
  durationMs: number;
  launchdbVersion: string;
  /** `launchdb` when applied by migrate up, `baseline` when recorded by baseline, `adopt:<tool>` when adopted. */
  source: string;
}

/** Where a history lives: the app's `launchdb.migrations`, or the control database's own. */
export interface HistoryTable {
  schema: string;
  table: string;
}

export const APP_HISTORY: HistoryTable = { schema: 'launchdb', table: 'migrations' };

function qualified(history: HistoryTable): string {
  return `${history.schema}.${history.table}`;
}

export async function ensureHistory(db: Queryable, history: HistoryTable = APP_HISTORY): Promise<void> {
  await db.query(`
create schema if not exists ${history.schema};
create table if not exists ${qualified(history)} (
  version text primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now(),
  applied_by text not null default current_user,
  duration_ms integer not null default 0,
  launchdb_version text not null,
  source text not null default 'launchdb'
);`);
}

/** The applied migrations in version order; none when the table does not exist yet. */
export async function readHistory(
  db: Queryable,
  history: HistoryTable = APP_HISTORY,
): Promise<AppliedMigration[]> {
  const { rows: exists } = await db.query<{ present: boolean }>(
    `select to_regclass('${qualified(history)}') is not null as present`,
  );
  if (!exists[0]?.present) return [];
  const { rows } = await db.query<{
    version: string;
    name: string;
    checksum: string;
    applied_at: Date | string;
    applied_by: string;
    duration_ms: number;
    launchdb_version: string;
    source: string;
  }>(
    `select version, name, checksum, applied_at, applied_by, duration_ms, launchdb_version, source from ${qualified(history)} order by version`,
  );
  return rows.map((row) => ({
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    appliedAt: new Date(row.applied_at).toISOString(),
    appliedBy: row.applied_by,
    durationMs: Number(row.duration_ms),
    launchdbVersion: row.launchdb_version,
    source: row.source,
  }));
}

/** A SQL string literal; the values are launchdb's own (versions, names, hex checksums). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The INSERT that records a migration, for the same batch as the migration itself. */
export function recordSql(
  migration: { version: string; name: string; checksum: string },
  launchdbVersion: string,
  options: { source?: string; durationMs?: number; history?: HistoryTable } = {},
): string {
  const values = [
    migration.version,
    migration.name,
    migration.checksum,
    launchdbVersion,
    options.source ?? 'launchdb',
  ];
  // Without a measured duration, the migration's transaction noted its start in launchdb.started.
  const duration =
    options.durationMs === undefined
      ? `(extract(epoch from clock_timestamp() - current_setting('launchdb.started')::timestamptz) * 1000)::integer`
      : String(Math.round(options.durationMs));
  return `insert into ${qualified(options.history ?? APP_HISTORY)} (version, name, checksum, launchdb_version, source, duration_ms) values (${values.map(literal).join(', ')}, ${duration})`;
}

/**
 * When the newest migration was applied (by `migrate up`, a baseline or an adoption); undefined when
 * none was, or when this role may not read the history.
 */
export async function lastMigrationAppliedAt(db: Queryable): Promise<Date | undefined> {
  // Asked first: a query naming a table that is not there fails as it is parsed.
  const { rows: readable } = await db.query<{ ok: boolean }>(
    `select case when to_regclass('launchdb.migrations') is null then false
                 else has_table_privilege('launchdb.migrations', 'SELECT') end as ok`,
  );
  if (!readable[0]?.ok) return undefined;
  const { rows } = await db.query<{ applied_at: Date | string | null }>(
    'select max(applied_at) as applied_at from launchdb.migrations',
  );
  const appliedAt = rows[0]?.applied_at;
  return appliedAt ? new Date(appliedAt) : undefined;
}
