// A project with an attached database per backing, for the migration suites.
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it, type TestAPI } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { runCli } from '../helpers/cli.js';
import {
  adminQuery,
  type BackingName,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

export interface MigrationProject {
  project: TempProject;
  env: string;
  /** The server database's URL (superuser), undefined when embedded. */
  url?: string;
  database?: string;
  /** Writes db/migrations/<version>_<name>.sql. */
  migration(version: string, name: string, sql: string): string;
  clearMigrations(): void;
  cli(args: string[], options?: { answers?: string[] }): ReturnType<typeof runCli>;
  /** Runs SQL on the environment's database as its superuser, between commands. */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  remove(): Promise<void>;
}

const ENV = 'development';

const config = (extraConfig: string, url?: string) => `{
    project: '{project}',
    environments: {
      ${ENV}: { postgres: { ${url ? `url: '${url}'` : ''} } },
      production: { postgres: {} },
    },
    ${extraConfig}
  }`;

export async function migrationProject(backing: BackingName, extraConfig = ''): Promise<MigrationProject> {
  const database = backing === 'server' ? uniqueName('ldb_mig') : undefined;
  if (database) await adminQuery(`create database ${database}`);
  const url = database ? serverUrlFor(database) : undefined;
  const made = withProject(tempProject(config(extraConfig, url)), database);
  const attached = await made.cli(['attach', 'postgres', '--env', ENV]);
  if (attached.code !== 0) throw new Error(`attach failed: ${attached.stderr}`);
  return made;
}

/**
 * An embedded migration project whose `.launchdb` (its database, keys and audit trail) is a copy of
 * `attached`'s, instead of attaching anew: an attach opens a new database and provisions launchdb's
 * schema, seconds on a busy machine, where a copy takes a fraction of one. The copy keeps the
 * project's name, which the database's marker records. Copy before `attached` runs anything else.
 */
export function copyEmbeddedProject(attached: MigrationProject, extraConfig = ''): MigrationProject {
  if (attached.database) throw new Error('only an embedded project is copied');
  const project = tempProject(config(extraConfig), attached.project.name);
  cpSync(join(attached.project.dir, '.launchdb'), join(project.dir, '.launchdb'), { recursive: true });
  return withProject(project, undefined);
}

function withProject(project: TempProject, database: string | undefined): MigrationProject {
  const url = database ? serverUrlFor(database) : undefined;
  const env = ENV;
  const cli = (args: string[], options: { answers?: string[] } = {}) =>
    runCli(args, { cwd: project.dir, ...(options.answers ? { answers: options.answers } : {}) });
  return {
    project,
    env,
    ...(url ? { url, database } : {}),
    migration(version, name, sql) {
      const file = `db/migrations/${version}_${name}.sql`;
      project.write(file, sql);
      return file;
    },
    clearMigrations() {
      const dir = join(project.dir, 'db/migrations');
      for (const entry of readdirSync(dir)) rmSync(join(dir, entry));
      writeFileSync(join(dir, '.gitkeep'), '');
    },
    cli,
    async query<Row>(sql: string) {
      if (database) return (await adminQuery(sql, [], database)).rows as Row[];
      const db = await openEmbedded(join(project.dir, '.launchdb', env, 'postgres'));
      try {
        return (await db.query<Row>(sql)).rows;
      } finally {
        await db.close();
      }
    },
    async remove() {
      project.remove();
      if (database) await adminQuery(`drop database if exists ${database} with (force)`);
    },
  };
}

/**
 * Inside a describe for one backing: how its tests make migration projects. Embedded ones are copies
 * (copyEmbeddedProject) of one attached before the describe's tests; server ones are attached each
 * (a server attach takes a fraction of a second).
 */
export function migrationProjects(backing: BackingName): (extraConfig?: string) => Promise<MigrationProject> {
  let attached: MigrationProject | undefined;
  beforeAll(async () => {
    if (backing === 'embedded') attached = await migrationProject(backing);
  });
  afterAll(async () => attached?.remove());
  return async (extraConfig = '') =>
    attached ? copyEmbeddedProject(attached, extraConfig) : migrationProject(backing, extraConfig);
}

/**
 * Inside a describe for one backing: makes a migration project before its tests (handing it to `use`)
 * and removes it after. Returns the `it` to write them with, which skips the server backing only when
 * no server answers (never under CI=true).
 */
export function withMigrationProject(
  backing: BackingName,
  use: (project: MigrationProject) => void,
  extraConfig = '',
): TestAPI {
  const skip = backing === 'server' && !serverAvailable;
  let made: MigrationProject | undefined;
  beforeAll(async () => {
    if (skip) return;
    made = await migrationProject(backing, extraConfig);
    use(made);
  });
  afterAll(async () => made?.remove());
  return (skip ? it.skip : it) as TestAPI;
}
