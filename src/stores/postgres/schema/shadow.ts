// A scratch database to replay migrations into: on the server when the admin URL allows, else embedded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine } from '../../../core/errors.js';
import type { Environment } from '../../../core/project.js';
import { describeUrl, withCredentials } from '../connection-url.js';
import type { PostgresDatabase, Queryable } from '../database.js';
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

/** A server that may hold scratch databases: reached with the admin URL, of the live database's major. */
export interface ShadowServer {
  /** One connection to the admin URL's database, to create and drop scratch databases with. */
  admin: PostgresDatabase;
  adminUrl: string;
  /** The admin URL without its password, for messages. */
  where: string;
  version: number;
  /** `version()`: the server's whole build. */
  build: string;
  /** The admin URL's `current_user`, who owns the scratch databases and what is replayed into them. */
  user: string;
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
    const server = await openShadowServer(adminUrl, options, notes);
    if (server) {
      try {
        const database = options.database ?? databaseNameOf(env);
        const ran = await withServerScratch(
          server,
          shadowName(database, options.purpose),
          options,
          notes,
          fn,
        );
        if (ran.done) return ran.value;
      } finally {
        await server.admin.close().catch(() => {});
      }
    }
  }
  return withEmbeddedScratch(notes, options.purpose ?? 'shadow', options.embedded ?? 'memory', fn);
}

export type Attempt<T> = { done: true; value: T } | { done: false };

/**
 * The admin URL's server, when it can hold the scratch database: reachable, and of the live
 * database's major version. Otherwise undefined, with a note saying why the scratch is embedded.
 */
export async function openShadowServer(
  adminUrl: string,
  options: Pick<ShadowOptions, 'liveVersion' | 'purpose' | 'connectTimeoutMs'>,
  notes: string[],
): Promise<ShadowServer | undefined> {
  const where = describeUrl(adminUrl);
  const scratch = scratchWord(options.purpose);
  let admin: PostgresDatabase;
  try {
    admin = await openServer(adminUrl, { max: 1, connectTimeoutMs: options.connectTimeoutMs ?? 10_000 });
  } catch (error) {
    notes.push(
      `the admin URL (${where}) could not be reached (${firstLine(error)}): the ${scratch} is embedded`,
    );
    return undefined;
  }
  try {
    const { rows } = await admin.query<{ version: number; build: string; user: string }>(
      `select current_setting('server_version_num')::int as version, version() as build, current_user::text as user`,
    );
    const { version, build, user } = rows[0]!;
    if (options.liveVersion && major(version) !== major(options.liveVersion)) {
      notes.push(
        `the admin URL's server (${where}) runs Postgres ${major(version)}, the ${options.purpose === 'drill' ? 'backup' : 'live database'} ${major(options.liveVersion)}: the ${scratch} is embedded`,
      );
      await admin.close().catch(() => {});
      return undefined;
    }
    return { admin, adminUrl, where, version, build, user };
  } catch (error) {
    await admin.close().catch(() => {});
    throw error;
  }
}

/**
 * Creates the database `name` on `server`, runs `fn` with it, and drops it. Not done (with a note)
 * when the database cannot be created. `admin` is the session to create and drop it with: the
 * server's own connection unless the caller holds it.
 */
export async function withServerScratch<T>(
  server: ShadowServer,
  name: string,
  options: Pick<ShadowOptions, 'purpose' | 'connectTimeoutMs'>,
  notes: string[],
  fn: (shadow: Shadow) => Promise<T>,
  admin: Queryable = server.admin,
): Promise<Attempt<T>> {
  const scratch = scratchWord(options.purpose);
  try {
    await admin.query(`create database ${quoteIdent(name)}`);
  } catch (error) {
    notes.push(
      `cannot create a ${scratch} database at ${server.where} (${firstLine(error)}): the ${scratch} is embedded`,
    );
    return { done: false };
  }
  try {
    return { done: true, value: await withServerDatabase(server, name, options, notes, fn) };
  } finally {
    await dropServerDatabase(server, name, notes, admin);
  }
}

/** Runs `fn` on the existing database `name` of `server`, connected as the admin URL's user. */
export async function withServerDatabase<T>(
  server: ShadowServer,
  name: string,
  options: Pick<ShadowOptions, 'connectTimeoutMs'>,
  notes: string[],
  fn: (shadow: Shadow) => Promise<T>,
): Promise<T> {
  const shadow = await openServerShadow(server, name, options, notes);
  try {
    return await fn(shadow);
  } finally {
    await shadow.db.close().catch(() => {});
  }
}

/** A connection to the existing database `name` of `server`, as the admin URL's user; the caller closes it. */
export async function openServerShadow(
  server: ShadowServer,
  name: string,
  options: Pick<ShadowOptions, 'connectTimeoutMs'>,
  notes: string[],
): Promise<Shadow> {
  const db = await openServer(withCredentials(server.adminUrl, { database: name }), {
    max: 3,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    applicationName: 'launchdb shadow',
  });
  return { db, backing: 'server', version: server.version, user: server.user, notes };
}

/**
 * Drops `name`. `with (force)` (Postgres 13+) ends any session a failed replay left behind. A drop
 * that fails is said, not thrown: it must not hide the drift, or the error, found before it.
 */
export async function dropServerDatabase(
  server: ShadowServer,
  name: string,
  notes: string[],
  admin: Queryable = server.admin,
): Promise<void> {
  const force = server.version >= 130_000 ? ' with (force)' : '';
  await admin.query(`drop database if exists ${quoteIdent(name)}${force}`).catch((error) => {
    notes.push(
      `the shadow database ${name} at ${server.where} could not be dropped (${firstLine(error)}): drop it by hand`,
    );
  });
}

/** Runs `fn` with a new embedded scratch database, in memory or in a temporary folder, gone after. */
export async function withEmbeddedScratch<T>(
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
      return await fn(await embeddedShadow(db, notes));
    } finally {
      await db.close().catch(() => {});
    }
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

/** `db`, an open embedded database, as a shadow. */
export async function embeddedShadow(db: PostgresDatabase, notes: string[]): Promise<Shadow> {
  const { rows } = await db.query<{ version: number; user: string }>(
    `select current_setting('server_version_num')::int as version, current_user::text as user`,
  );
  return { db, backing: 'embedded', version: rows[0]!.version, user: rows[0]!.user, notes };
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

export function major(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

function scratchWord(purpose: string | undefined): string {
  return purpose === 'drill' ? 'scratch database' : 'shadow';
}
