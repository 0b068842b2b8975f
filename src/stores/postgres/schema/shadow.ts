// A scratch database to replay migrations into: on the server when the admin URL allows, else embedded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../../core/project.js';
import { describeUrl, withCredentials } from '../connection-url.js';
import type { PostgresDatabase } from '../database.js';
import { openEmbedded, openInMemory } from '../embedded.js';
import { openServer } from '../server.js';
import { quoteIdent } from '../sql-quote.js';
import { databaseNameOf, resolveAdminUrl } from '../target.js';

export interface ShadowOptions {
  /** A URL allowed to create databases. Default: the environment's admin URL; null: embedded only. */
  adminUrl?: string | null;
  /** The live server's `server_version_num`: a server shadow of another major version is not used. */
  liveVersion?: number;
  /** Names the shadow `<database>_<purpose>_<random>`. Default: the environment's database name. */
  database?: string;
  /** What the scratch database is for, in its name: `shadow` (default) or `drill`. */
  purpose?: string;
  /**
   * Where an embedded scratch keeps its data: `memory` (default; fastest for a schema) or `disk`, a
   * temporary folder removed after (for data: in memory, a large table loads many times slower).
   */
  embedded?: 'memory' | 'disk';
  connectTimeoutMs?: number;
}

export interface Shadow {
  db: PostgresDatabase;
  backing: 'server' | 'embedded';
  /** Its `server_version_num`. */
  version: number;
  /** Its `current_user`, the role that owns what the replay creates. */
  user: string;
  /** Why the shadow is not on the server when an admin URL was there to try. */
  notes: string[];
}

const MAX_NAME_BYTES = 63;

/**
 * Runs `fn` with a new, empty shadow database, and drops it afterwards whatever happens. The
 * shadow touches nothing of production: on the server it is a database of its own, made with the
 * admin URL; without one (or when that server is another major version) it is embedded, in memory
 * (on disk, creating each table's files slowed the replay by a quarter), and gone when closed.
 */
export async function withShadowDatabase<T>(
  env: Environment,
  options: ShadowOptions,
  fn: (shadow: Shadow) => Promise<T>,
): Promise<T> {
  const notes: string[] = [];
  const adminUrl = options.adminUrl === undefined ? resolveAdminUrl(env) : options.adminUrl;
  if (adminUrl) {
    const database = options.database ?? databaseNameOf(env);
    const ran = await onServer(adminUrl, database, options, notes, fn);
    if (ran.done) return ran.value;
  }
  return embedded(notes, options.purpose ?? 'shadow', options.embedded ?? 'memory', fn);
}

type Attempt<T> = { done: true; value: T } | { done: false };

async function onServer<T>(
  adminUrl: string,
  database: string,
  options: ShadowOptions,
  notes: string[],
  fn: (shadow: Shadow) => Promise<T>,
): Promise<Attempt<T>> {
  const where = describeUrl(adminUrl);
  const scratch = options.purpose === 'drill' ? 'scratch database' : 'shadow';
  let admin: PostgresDatabase;
  try {
    admin = await openServer(adminUrl, { max: 1, connectTimeoutMs: options.connectTimeoutMs ?? 10_000 });
  } catch (error) {
    notes.push(
      `the admin URL (${where}) could not be reached (${firstLine(error)}): the ${scratch} is embedded`,
    );
    return { done: false };
  }
  const name = shadowName(database, options.purpose);
  try {
    const version = await versionOf(admin);
    if (options.liveVersion && major(version) !== major(options.liveVersion)) {
      notes.push(
        `the admin URL's server (${where}) runs Postgres ${major(version)}, the ${options.purpose === 'drill' ? 'backup' : 'live database'} ${major(options.liveVersion)}: the ${scratch} is embedded`,
      );
      return { done: false };
    }
    try {
      await admin.query(`create database ${quoteIdent(name)}`);
    } catch (error) {
      notes.push(
        `cannot create a ${scratch} database at ${where} (${firstLine(error)}): the ${scratch} is embedded`,
      );
      return { done: false };
    }
    try {
      const db = await openServer(withCredentials(adminUrl, { database: name }), {
        max: 3,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        applicationName: 'launchdb shadow',
      });
      try {
        const user = await currentUser(db);
        return { done: true, value: await fn({ db, backing: 'server', version, user, notes }) };
      } finally {
        await db.close().catch(() => {});
      }
    } finally {
      // `with (force)` (Postgres 13+) ends any session a failed replay left behind. A drop that
      // fails is said, not thrown: it must not hide the drift, or the error, found before it.
      const force = version >= 130_000 ? ' with (force)' : '';
      await admin.query(`drop database if exists ${quoteIdent(name)}${force}`).catch((error) => {
        notes.push(
          `the shadow database ${name} at ${where} could not be dropped (${firstLine(error)}): drop it by hand`,
        );
      });
    }
  } finally {
    await admin.close().catch(() => {});
  }
}

async function embedded<T>(
  notes: string[],
  purpose: string,
  where: 'memory' | 'disk',
  fn: (shadow: Shadow) => Promise<T>,
): Promise<T> {
  const folder = where === 'disk' ? mkdtempSync(join(tmpdir(), `launchdb-${purpose}-`)) : undefined;
  try {
    const db = folder
      ? await openEmbedded(join(folder, 'postgres'), { command: `launchdb ${purpose}` })
      : await openInMemory(`${purpose} (in memory)`);
    try {
      const version = await versionOf(db);
      const user = await currentUser(db);
      return await fn({ db, backing: 'embedded', version, user, notes });
    } finally {
      await db.close().catch(() => {});
    }
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

/** `<database>_<purpose>_<8 hex>`, the database part a plain name shortened to fit Postgres's 63 bytes. */
export function shadowName(database: string, purpose = 'shadow'): string {
  return `${scratchBase(database, purpose)}_${purpose}_${randomBytes(4).toString('hex')}`;
}

/** What a scratch name for `database` and `purpose` starts with: to find those a killed process left. */
export function scratchBase(database: string, purpose: string): string {
  let base = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  // `_<purpose>_` and 8 hex digits follow it.
  while (Buffer.byteLength(base) + purpose.length + 10 > MAX_NAME_BYTES) base = base.slice(0, -1);
  return base;
}

async function versionOf(db: PostgresDatabase): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `select current_setting('server_version_num')::int as version`,
  );
  return rows[0]?.version ?? 0;
}

async function currentUser(db: PostgresDatabase): Promise<string> {
  const { rows } = await db.query<{ user: string }>('select current_user::text as user');
  return rows[0]?.user ?? 'postgres';
}

export function major(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
