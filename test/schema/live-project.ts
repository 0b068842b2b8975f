// A live database built by its migrations, for the drift suites: a project whose `staging` is it (on
// the server, with an admin URL for the shadow), its migrations applied as `migrate up` applies them.
import { type Environment, Project } from '../../src/core/project.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { ensureMarker } from '../../src/stores/postgres/marker.js';
import { migrateUp } from '../../src/stores/postgres/migrate/apply.js';
import { readMigrations } from '../../src/stores/postgres/migrate/layouts/index.js';
import { keptShadowName } from '../../src/stores/postgres/schema/kept-shadow.js';
import { scratchBase } from '../../src/stores/postgres/schema/shadow.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { type PostgresTarget, resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { adminQuery, type BackingName, SERVER_URL, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** Applies the project's migration files to the live database as `migrate up` does, history and all. */
export async function applyMigrations(db: PostgresDatabase, root: string): Promise<void> {
  const run = await migrateUp(db, readMigrations(root, { layout: 'launchdb', dir: 'db/migrations' }), {
    lockTimeoutMs: 30_000,
    sessionLockTimeoutMs: 0,
    statementTimeoutMs: 0,
    location: db.location,
  });
  if (run.failed) throw new Error(`migrate up failed: ${JSON.stringify(run.failed.error)}`);
}

export function writeMigrations(project: TempProject, files: Record<string, string>): void {
  for (const [name, sql] of Object.entries(files)) project.write(`db/migrations/${name}`, sql);
}

export interface Live {
  project: TempProject;
  env: Environment;
  target: PostgresTarget;
  open(): Promise<PostgresDatabase>;
  /** Runs `fn` on the live database, closed afterwards so another opener (the CLI) may have it. */
  use<T>(fn: (db: PostgresDatabase) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A project whose `staging` is a live database built by `files`; on the server, with an admin URL for the shadow. */
export async function liveProject(backing: BackingName, files: Record<string, string>): Promise<Live> {
  const database = backing === 'server' ? uniqueName('ldbt_drift') : undefined;
  if (database) await adminQuery(`create database ${database}`);
  const url = database ? serverUrlFor(database) : '';
  const project = tempProject(
    backing === 'server'
      ? `{ project: '{project}', environments: {
          staging: { postgres: { url: '${url}', adminUrl: '${SERVER_URL}' } },
        } }`
      : `{ project: '{project}', environments: { staging: { postgres: {} } } }`,
  );
  writeMigrations(project, files);
  const env = (await Project.load(project.dir)).environment('staging');
  const target = resolvePostgresTarget(env)!;
  const open = () =>
    target.backing === 'server'
      ? openServer(target.url)
      : openEmbedded(target.dataDir, { lockWaitMs: 30_000 });
  const use = async <T>(fn: (db: PostgresDatabase) => Promise<T>) => {
    const db = await open();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  await use(async (db) => {
    await ensureMarker(db, env.project, env.name, 'live');
    await applyMigrations(db, project.dir);
  });
  return {
    project,
    env,
    target,
    open,
    use,
    drop: async () => {
      if (database) {
        await adminQuery(`drop database if exists ${database} with (force)`);
        // A large schema's shadow is kept between runs: the test's own, dropped with it.
        await adminQuery(`drop database if exists ${keptShadowName(database)} with (force)`);
      }
      project.remove();
    },
  };
}

/** This test's own shadows on the server: other programs' drift runs make theirs beside them. */
export async function shadowsLeft(live: Live): Promise<string[]> {
  const database = (live.target as { database: string }).database;
  const { rows } = await adminQuery('select datname from pg_database where starts_with(datname, $1)', [
    `${scratchBase(database, 'shadow')}_shadow_`,
  ]);
  return rows.map((row) => row.datname as string);
}
