// A project with an attached database per backing, for the migration suites.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
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

export async function migrationProject(backing: BackingName, extraConfig = ''): Promise<MigrationProject> {
  const database = backing === 'server' ? uniqueName('ldb_mig') : undefined;
  if (database) await adminQuery(`create database ${database}`);
  const url = database ? serverUrlFor(database) : undefined;
  const env = 'development';
  const project = tempProject(`{
    project: '{project}',
    environments: {
      development: { postgres: { ${url ? `url: '${url}'` : ''} } },
      production: { postgres: {} },
    },
    ${extraConfig}
  }`);
  const cli = (args: string[], options: { answers?: string[] } = {}) =>
    runCli(args, { cwd: project.dir, ...(options.answers ? { answers: options.answers } : {}) });
  const attached = await cli(['attach', 'postgres', '--env', env]);
  if (attached.code !== 0) throw new Error(`attach failed: ${attached.stderr}`);
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
