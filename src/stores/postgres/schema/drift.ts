// Drift: the live schema against what the migrations make (replayed into a shadow database, or cached).
import type { MigrationLayout } from '../../../core/config/types.js';
import type { Environment } from '../../../core/project.js';
import { parseConnectionUrl } from '../connection-url.js';
import type { PostgresDatabase } from '../database.js';
import { readHistory } from '../migrate/history.js';
import { LAYOUTS, readMigrations } from '../migrate/layouts/index.js';
import { openMigrationDatabase } from '../migrate/migration-database.js';
import type { MigrationFile } from '../migrate/migration-files.js';
import { environmentRoles } from '../migrate/placeholders.js';
import { type PostgresTarget, resolveAdminUrl } from '../target.js';
import { type AppliedFiles, appliedFiles } from './applied-migrations.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import { type DriftItem, diffSnapshots } from './diff.js';
import { liveRoles, withAttachGrants } from './environment-roles.js';
import { type ExpectedSchemaOptions, type ExpectedSchemaReport, expectedSchema } from './expected-schema.js';
import {
  liveSchemaFile,
  liveSchemaKey,
  readLiveSchemaFile,
  verdictKey,
  writeLiveSchemaFile,
} from './live-schema-file.js';
import { major } from './shadow.js';
import { type CatalogSnapshot, takeSnapshot } from './snapshot.js';
import { adoptedTools, findToolHistories, type ToolHistory, withoutToolHistories } from './tool-history.js';

export interface DriftOptions {
  /** The migrations folder, relative to the project root. Default: the layout's, `db/migrations` for launchdb's. */
  migrationsDir?: string;
  /** Whose layout the migrations follow. Default `launchdb`. */
  layout?: MigrationLayout;
  /** The migration files, when the caller has read them already (in `layout`). */
  files?: MigrationFile[];
  /**
   * An open connection to the live database (a check's session); else one is opened with the
   * migration URL, refused when the database is not attached to this environment.
   */
  live?: PostgresDatabase;
  /** Where the shadow may be created; see `expectedSchema`. Default: the environment's admin URL; null: embedded. */
  adminUrl?: string | null;
  connectTimeoutMs?: number;
  /** This process's command, named to another process that finds the embedded database busy. */
  command?: string;
}

export interface DriftResult {
  /** Every difference, containers first; empty when the live schema is what the migrations make. */
  items: DriftItem[];
  shadow: 'server' | 'embedded';
  /** Postgres major versions of each side; when they differ, views are compared by what they return. */
  versions: { live: number; shadow: number };
  /** How many migrations the expected schema holds: those the live database applied. */
  migrations: number;
  /** Whether the expected schema came from a cache, its key, and what was replayed to make it. */
  expectedSchema: ExpectedSchemaReport;
  /**
   * How the live schema was had: `read` in full, or `unchanged`: its catalogs' fingerprint is the one
   * a full reading kept under `.launchdb/cache/live/` was made under; and whether the comparison was
   * `made`, or `kept` from that run (the same expected schema, compared the same way).
   */
  liveSchema: { source: 'read' | 'unchanged'; comparison: 'made' | 'kept' };
  /** Why the shadow is where it is, and what could not be compared; for the user to read. */
  notes: string[];
  /** Replaying the migrations (none from a cache); taking both snapshots (which overlap the replay); the whole run. */
  durations: { replayMs: number; snapshotMs: number; totalMs: number };
}

interface LiveFacts {
  version: number;
  database: string;
  roles: string[];
}

/**
 * Snapshots the live database while the expected schema is read from the cache or replayed into a
 * shadow, and compares the two. Reading the live catalog needs no rights beyond connecting.
 */
export async function detectDrift(
  env: Environment,
  target: PostgresTarget,
  options: DriftOptions = {},
): Promise<DriftResult> {
  const started = performance.now();
  const { layout, files } = migrationsOf(env, options);
  const live =
    options.live ??
    (
      await openMigrationDatabase(env, {
        command: options.command ?? 'migrate drift',
        ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      })
    ).db;
  let liveSnapshot: Promise<CatalogSnapshot> | undefined;
  try {
    const side = await liveSide(target, live, files, layout);
    const { facts, applied, roles } = side;
    let liveSnapshotMs = 0;
    const readLive = () => {
      const reading = timed(takeSnapshot(live, { roles }), (ms) => {
        liveSnapshotMs += ms;
      });
      reading.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
      return reading;
    };
    const adminUrl = options.adminUrl !== undefined ? options.adminUrl : (resolveAdminUrl(env) ?? null);
    const why =
      adminUrl || target.backing !== 'server'
        ? []
        : [
            `no admin URL to create the shadow database on the server with (--admin-url, DATABASE_ADMIN_URL or environments.${env.name}.postgres.adminUrl): the shadow is embedded`,
          ];
    // The live schema and the expected one come from different databases: they are had side by side.
    // Only what the migrations make is ever cached; the live catalogs are read every run: in full,
    // or only their fingerprint when it is the one a full reading kept here was made under. The
    // fingerprint comes first: a change after it shows in the next run's, whatever this one read.
    // (An embedded database starts anew each time it is opened: its fingerprint would never match.)
    const fingerprinted = live.backing === 'server' ? catalogFingerprint(live) : Promise.resolve(undefined);
    const expecting = expectedSchema(env, expectedOptions(env, target, live, side, adminUrl, options));
    expecting.catch(() => {}); // awaited below
    const liveFile = liveSchemaFile(env.stateDir, env.name);
    const fingerprint = await fingerprinted;
    const liveKey = fingerprint ? liveSchemaKey({ fingerprint, roles }) : undefined;
    const kept = liveKey ? readLiveSchemaFile(liveFile, liveKey) : undefined;
    if (!kept) liveSnapshot = readLive();
    const expected = await expecting;
    const { histories, provisioned } = side;
    const { ignore, notes } = comparable(facts, expected.shadow.version);
    const comparison = verdictKey({
      expected: expected.report.key,
      live: liveKey ?? null,
      provisioned,
      ignore,
      actual: env.name,
      histories,
    });
    let items: DriftItem[];
    let liveSchema: DriftResult['liveSchema'];
    if (kept?.verdict?.key === comparison) {
      items = kept.verdict.items;
      liveSchema = { source: 'unchanged', comparison: 'kept' };
    } else {
      const keptSnapshot = kept?.snapshot();
      // A kept reading whose file is damaged is read again.
      if (!keptSnapshot && !liveSnapshot) liveSnapshot = readLive();
      const snapshot = keptSnapshot ?? (await liveSnapshot!);
      const actual = withoutToolHistories(snapshot, histories);
      const made = withoutToolHistories(expected.snapshot, histories);
      items = diffSnapshots(provisioned ? withAttachGrants(made) : made, actual, {
        actual: env.name,
        ignore,
      });
      if (liveKey)
        writeLiveSchemaFile(liveFile, liveKey, keptSnapshot && kept ? kept.body : snapshot, {
          key: comparison,
          items,
        });
      liveSchema = { source: keptSnapshot ? 'unchanged' : 'read', comparison: 'made' };
    }
    return {
      items,
      shadow: expected.shadow.backing,
      versions: { live: major(facts.version), shadow: major(expected.shadow.version) },
      migrations: applied.files.length,
      expectedSchema: expected.report,
      liveSchema,
      notes: [...why, ...expected.notes, ...notes, ...applied.notes],
      durations: {
        replayMs: expected.durations.replayMs,
        snapshotMs: Math.round(liveSnapshotMs + expected.durations.snapshotMs),
        totalMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    await liveSnapshot?.catch(() => {});
    if (!options.live) await live.close().catch(() => {});
  }
}

/**
 * Caches what the applied migrations make, for the next drift on any machine: `migrate up` calls it
 * as the owner right after applying, once drift has cached an expected schema in this database
 * (`launchdb.expected_schema` exists), so the check after a deploy replays nothing. Undefined when
 * there is no such table.
 */
export async function recordExpectedSchema(
  env: Environment,
  target: PostgresTarget,
  live: PostgresDatabase,
  options: Pick<DriftOptions, 'files' | 'layout' | 'migrationsDir' | 'connectTimeoutMs'> = {},
): Promise<ExpectedSchemaReport | undefined> {
  const { rows } = await live.query<{ present: boolean }>(
    `select to_regclass('launchdb.expected_schema') is not null as present`,
  );
  if (!rows[0]?.present) return undefined;
  const { layout, files } = migrationsOf(env, options);
  const side = await liveSide(target, live, files, layout);
  const expected = await expectedSchema(
    env,
    expectedOptions(env, target, live, side, resolveAdminUrl(env) ?? null, options),
  );
  return expected.report;
}

/** The migration files and their layout: as given, else read from the project. */
function migrationsOf(env: Environment, options: Pick<DriftOptions, 'files' | 'layout' | 'migrationsDir'>) {
  const layout = options.layout ?? 'launchdb';
  const files =
    options.files ??
    readMigrations(env.root, { layout, dir: options.migrationsDir ?? LAYOUTS[layout].defaultDir });
  return { layout, files };
}

/** What drift reads of the live database before either snapshot. */
interface LiveSide {
  facts: LiveFacts;
  /** The migrations it applied, in its order: the replay makes those, and only those. */
  applied: AppliedFiles;
  histories: ToolHistory[];
  /** How its snapshot names its roles, and whether `attach` provisioned them. */
  roles: Record<string, string>;
  provisioned: boolean;
}

async function liveSide(
  target: PostgresTarget,
  live: PostgresDatabase,
  files: MigrationFile[],
  layout: MigrationLayout,
): Promise<LiveSide> {
  const facts = await liveFacts(live);
  const history = await readHistory(live);
  const applied = appliedFiles(files, history);
  const histories = await findToolHistories(live, adoptedTools(layout, history));
  const migrationUser =
    target.backing === 'server' ? parseConnectionUrl(target.migrationUrl).user : 'postgres';
  const { roles, provisioned } = liveRoles(facts.database, migrationUser, facts.roles);
  return { facts, applied, histories, roles, provisioned };
}

function expectedOptions(
  env: Environment,
  target: PostgresTarget,
  live: PostgresDatabase,
  side: LiveSide,
  adminUrl: string | null,
  options: Pick<DriftOptions, 'connectTimeoutMs'>,
): ExpectedSchemaOptions {
  return {
    live,
    files: side.applied.files,
    placeholders: environmentRoles(env.name, target),
    roles: side.roles,
    liveRoles: side.facts.roles,
    adminUrl,
    liveVersion: side.facts.version,
    database: target.backing === 'server' ? target.database : side.facts.database,
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  };
}

async function timed<T>(work: Promise<T>, add: (ms: number) => void): Promise<T> {
  const start = performance.now();
  try {
    return await work;
  } finally {
    add(performance.now() - start);
  }
}

async function liveFacts(live: PostgresDatabase): Promise<LiveFacts> {
  const { rows } = await live.query<LiveFacts>(
    `select current_setting('server_version_num')::int as version, current_database()::text as database,
            array(select rolname::text from pg_roles where rolname !~ '^pg_') as roles`,
  );
  return rows[0]!;
}

/** What cannot be compared between these two sides, and the note that says so. */
function comparable(facts: LiveFacts, shadowVersion: number): { ignore: string[]; notes: string[] } {
  if (major(facts.version) === major(shadowVersion)) return { ignore: [], notes: [] };
  return {
    ignore: ['views.definition', 'extensions.version'],
    notes: [
      `the shadow runs Postgres ${major(shadowVersion)} and the live database ${major(facts.version)}, which print view queries and ship extensions differently: views are compared by the columns they return`,
    ],
  };
}
