// The expected schema: what the applied migrations make, as the shadow's snapshot. Cached under a key
// of everything it depends on (the local copy first, then the live database's launchdb schema); on a
// miss replayed into a shadow, a kept one when there is one to extend. Only what the migrations make
// is cached: the live database is always read afresh, so no cache can hide drift in it.
import { existsSync } from 'node:fs';
import type { Environment } from '../../../core/project.js';
import { VERSION } from '../../../version.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { embeddedBuild } from '../embedded-extensions.js';
import type { MigrationFile } from '../migrate/migration-files.js';
import { type PlaceholderRoles, withPlaceholders } from '../migrate/placeholders.js';
import { quoteIdent } from '../sql-quote.js';
import { shadowRoles } from './environment-roles.js';
import { type ExpectedSchemaEntry, expectedSchemaEntry } from './expected-schema-entry.js';
import {
  expectedSchemaDir,
  readExpectedSchemaFile,
  writeExpectedSchemaFile,
} from './expected-schema-files.js';
import { expectedSchemaBase, expectedSchemaKey, type ShadowIdentity } from './expected-schema-key.js';
import { hasExpectedSchema, readExpectedSchema, writeExpectedSchema } from './expected-schema-table.js';
import {
  clearKeptState,
  type KeptShadow,
  keptServerShadowExists,
  keptShadowDir,
  keptShadowName,
  readKeptState,
  withKeptEmbeddedShadow,
  withKeptServerShadow,
  writeKeptState,
} from './kept-shadow.js';
import { replayMigrations } from './replay.js';
import {
  type Attempt,
  openShadowServer,
  type Shadow,
  type ShadowServer,
  shadowName,
  withEmbeddedScratch,
  withServerScratch,
} from './shadow.js';
import { type CatalogSnapshot, SNAPSHOT_FORMAT, snapshotChecksum, takeSnapshot } from './snapshot.js';

/**
 * Migrations adding up to this many bytes of SQL replay in about a second: their shadow is not worth
 * keeping (on a server it would be one more database to leave behind). Larger ones, and any schema
 * that has a kept shadow already, replay into the kept one.
 */
export const KEEP_SHADOW_BYTES = 64 * 1024;

/** Every extension PGlite can create is in it from the start; its user is its one superuser. */
const EMBEDDED_USER = 'postgres';

export interface ExpectedSchemaOptions {
  /** The live database: the cache is read from (and, when this role may, written to) its launchdb schema. */
  live: PostgresDatabase;
  /** The applied migrations' files, in the order applied, as written (placeholders unresolved). */
  files: readonly MigrationFile[];
  /** The environment's roles, which the placeholders name. */
  placeholders: PlaceholderRoles;
  /** How snapshots name the environment's roles; the shadow's user is added as `owner`. */
  roles: Record<string, string>;
  /** The live database's roles: an embedded shadow gets them, as a server's has them. */
  liveRoles: readonly string[];
  /** Where the shadow may be created; null: embedded. */
  adminUrl: string | null;
  liveVersion: number;
  /** The live database's name, which names a server shadow. */
  database: string;
  connectTimeoutMs?: number;
}

/** How the expected schema was had, for `check --json` and `migrate drift --json`. */
export interface ExpectedSchemaReport {
  /** `expectedSchemaKey`: equal keys, equal expected schemas. */
  key: string;
  /** Whether it came from a cache rather than a replay. */
  cached: boolean;
  source: 'local cache' | 'database cache' | 'kept shadow' | 'new shadow';
  /** Migrations replayed by this run: none from a cache, only the new ones into a kept shadow. */
  replayed: number;
  /** Where it is now cached for the next run. */
  saved: ('local' | 'database')[];
}

export interface ExpectedSchema {
  snapshot: CatalogSnapshot;
  shadow: { backing: 'server' | 'embedded'; version: number };
  /** Why the shadow is where it is; for the user to read. */
  notes: string[];
  report: ExpectedSchemaReport;
  durations: { replayMs: number; snapshotMs: number };
}

interface Built {
  snapshot: CatalogSnapshot;
  shadow: Shadow;
  source: 'kept shadow' | 'new shadow';
  replayed: number;
}

export async function expectedSchema(
  env: Environment,
  options: ExpectedSchemaOptions,
): Promise<ExpectedSchema> {
  const notes: string[] = [];
  const durations = { replayMs: 0, snapshotMs: 0 };
  const server = options.adminUrl
    ? await openShadowServer(
        options.adminUrl,
        {
          liveVersion: options.liveVersion,
          ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
        },
        notes,
      )
    : undefined;
  try {
    const identity = server ? await serverIdentity(server) : embeddedIdentity();
    // The placeholders name the shadow's roles, as they named the environment's when applied; the
    // snapshot names the shadow's user as the owner, as the live one names the environment's.
    const placeholders = shadowRoles(options.placeholders, identity.user);
    const roles = { ...options.roles, [identity.user]: 'owner' };
    const parts = {
      shadow: identity,
      placeholders: placeholders.roles,
      roles,
      snapshotFormat: SNAPSHOT_FORMAT,
      launchdb: VERSION,
    };
    const migrations = options.files.map((file) => file.checksum);
    const key = expectedSchemaKey({ ...parts, migrations });
    const dir = expectedSchemaDir(env.stateDir);
    const result = (
      entry: ExpectedSchemaEntry,
      report: Omit<ExpectedSchemaReport, 'key'>,
    ): ExpectedSchema => ({
      snapshot: entry.snapshot,
      shadow: entry.shadow,
      notes,
      report: { key, ...report },
      durations: { replayMs: Math.round(durations.replayMs), snapshotMs: Math.round(durations.snapshotMs) },
    });

    const local = readExpectedSchemaFile(dir, key);
    if (local) {
      const saved = await shareIfMissing(options.live, local);
      return result(local, { cached: true, source: 'local cache', replayed: 0, saved: ['local', ...saved] });
    }
    const stored = await readExpectedSchema(options.live, key).catch(() => undefined);
    if (stored) {
      const saved = writeExpectedSchemaFile(dir, stored)
        ? (['local', 'database'] as const)
        : (['database'] as const);
      return result(stored, { cached: true, source: 'database cache', replayed: 0, saved: [...saved] });
    }

    const replay = options.files.map((file) => withPlaceholders(file, placeholders));
    const timed = async <T>(work: Promise<T>, field: keyof typeof durations) => {
      const start = performance.now();
      try {
        return await work;
      } finally {
        durations[field] += performance.now() - start;
      }
    };
    const snapshotOf = (shadow: Shadow) => timed(takeSnapshot(shadow.db, { roles }), 'snapshotMs');
    const prepare = async (shadow: Shadow) => {
      if (shadow.backing === 'embedded') await copyRoles(shadow.db, options.liveRoles);
    };

    /** A new, empty shadow: every migration replays. */
    const intoNew = async (shadow: Shadow): Promise<Built> => {
      await prepare(shadow);
      await timed(replayMigrations(shadow.db, replay), 'replayMs');
      return { snapshot: await snapshotOf(shadow), shadow, source: 'new shadow', replayed: replay.length };
    };

    /**
     * The kept shadow, extended by the migrations applied since it was last replayed into, once its
     * snapshot proves it holds what it says; else emptied and replayed from the start.
     */
    const base = expectedSchemaBase(parts);
    const intoKept = async (kept: KeptShadow): Promise<Built> => {
      let shadow = kept.shadow;
      const state = kept.created ? undefined : await readKeptState(shadow.db);
      let from = 0;
      let snapshot: CatalogSnapshot | undefined;
      if (state && state.base === base && isPrefix(state.migrations, migrations)) {
        const current = await snapshotOf(shadow);
        if (snapshotChecksum(current) === state.checksum) {
          from = state.migrations.length;
          snapshot = current;
        }
      }
      if (from === 0 && !kept.created) shadow = await kept.reset();
      await prepare(shadow);
      const rest = replay.slice(from);
      if (rest.length > 0 || !snapshot) {
        await clearKeptState(shadow.db);
        await timed(replayMigrations(shadow.db, rest), 'replayMs');
        snapshot = await snapshotOf(shadow);
      }
      await writeKeptState(shadow.db, { base, migrations, checksum: snapshotChecksum(snapshot) });
      return { snapshot, shadow, source: 'kept shadow', replayed: rest.length };
    };

    const big = options.files.reduce((bytes, file) => bytes + file.size, 0) >= KEEP_SHADOW_BYTES;
    let built: Attempt<Built> = { done: false };
    if (server) {
      const keep = big || (await keptServerShadowExists(server.admin, keptShadowName(options.database)));
      if (keep) built = await withKeptServerShadow(server, options.database, options, notes, intoKept);
      if (!built.done)
        built = await withServerScratch(server, shadowName(options.database), options, notes, intoNew);
    }
    if (!built.done) {
      const dir = keptShadowDir(env.stateDir, env.name);
      if (!server && (big || existsSync(dir))) built = await withKeptEmbeddedShadow(dir, notes, intoKept);
      if (!built.done)
        built = { done: true, value: await withEmbeddedScratch(notes, 'shadow', 'memory', intoNew) };
    }
    const { snapshot, shadow, source, replayed } = built.value;
    const entry = expectedSchemaEntry(key, snapshot, { backing: shadow.backing, version: shadow.version });
    const saved: ExpectedSchemaReport['saved'] = [];
    // A server shadow that could not be created fell back to an embedded one: not what the key says.
    if (shadow.backing === identity.backing) {
      if (writeExpectedSchemaFile(dir, entry)) saved.push('local');
      if (await writeExpectedSchema(options.live, entry)) saved.push('database');
    }
    return result(entry, { cached: false, source, replayed, saved });
  } finally {
    await server?.admin.close().catch(() => {});
  }
}

/** Stores a locally cached entry in the database too, when it is not there and this role may. */
async function shareIfMissing(live: Queryable, entry: ExpectedSchemaEntry): Promise<['database'] | []> {
  const stored = await hasExpectedSchema(live, entry.key).catch(() => false);
  return stored || (await writeExpectedSchema(live, entry)) ? ['database'] : [];
}

/** The admin URL's server: its whole build, every extension it offers at the version it creates, its user. */
async function serverIdentity(server: ShadowServer): Promise<ShadowIdentity> {
  const { rows } = await server.admin.query<{ extension: string }>(
    `select name || ' ' || coalesce(default_version, '') as extension from pg_available_extensions order by 1`,
  );
  return {
    backing: 'server',
    build: server.build,
    extensions: rows.map((row) => row.extension),
    user: server.user,
  };
}

/** PGlite: the packages it is built from and the extensions they ship; known without opening one. */
function embeddedIdentity(): ShadowIdentity {
  const { packages, extensions } = embeddedBuild();
  return { backing: 'embedded', build: packages.join(', '), extensions, user: EMBEDDED_USER };
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((checksum, i) => of[i] === checksum);
}

/**
 * An embedded shadow has none of the live database's roles, which the migrations may grant to; a
 * scratch database on the server would see them all, so the embedded one gets them too (without
 * logins, as restore's stand-ins).
 */
async function copyRoles(db: Queryable, roles: readonly string[]): Promise<void> {
  const { rows } = await db.query<{ rolname: string }>('select rolname::text as rolname from pg_roles');
  const present = new Set(rows.map((row) => row.rolname));
  const missing = roles.filter((role) => !present.has(role));
  if (missing.length > 0)
    await db.query(missing.map((role) => `create role ${quoteIdent(role)};`).join('\n'));
}
