// A project with an attached development and production environment on one backing, for the scan suites.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it, type TestAPI } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { demoData } from '../../src/stores/postgres/checks/demo-data.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { type ScanOptions, type ScanResult, scanData } from '../../src/stores/postgres/scan/scan-data.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import {
  adminQuery,
  type BackingName,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

export type EnvName = 'development' | 'production';
const ENVIRONMENTS: EnvName[] = ['development', 'production'];

export interface SessionSteps {
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  scan(options?: ScanOptions): Promise<ScanResult>;
  /** Runs `seed.demo-data`. */
  check(): Promise<CheckOutcome>;
}

export interface ScanProject {
  backing: BackingName;
  project: TempProject;
  /** Rewrites the config with this `scan` block (an object literal as text), environments unchanged. */
  configure(scan?: string): void;
  /** Writes `db/seeds/<kind>/<name>`. */
  seed(kind: 'reference' | 'demo', name: string, content: string): void;
  cli(args: string[]): ReturnType<typeof runCli>;
  /** Runs SQL on an environment's database as its superuser, between commands. */
  query<Row = Record<string, unknown>>(env: EnvName, sql: string): Promise<Row[]>;
  /**
   * Opens the environment's app session once for `fn`, as `launchdb check` does, to run SQL, scans
   * and the check on it: the embedded database is opened once, not once per step.
   */
  session<T>(env: EnvName, fn: (session: SessionSteps) => Promise<T>): Promise<T>;
  /**
   * Replaces production's database with a copy of development's, then attaches it as production:
   * the demo data arrives the way it does by mistake, with the database.
   */
  copyDevelopmentToProduction(): Promise<void>;
  remove(): Promise<void>;
}

export async function scanProject(backing: BackingName): Promise<ScanProject> {
  const databases = new Map<EnvName, string>();
  if (backing === 'server') {
    for (const env of ENVIRONMENTS) {
      const database = uniqueName(`ldb_scan_${env.slice(0, 4)}`);
      await adminQuery(`create database ${database}`);
      databases.set(env, database);
    }
  }
  const store = (env: EnvName) => {
    const database = databases.get(env);
    return database ? `url: '${serverUrlFor(database)}'` : '';
  };
  const configText = (scan = '') => `{
    project: '{project}',
    environments: {
      development: { postgres: { ${store('development')} } },
      production: { postgres: { ${store('production')} } },
    },
    ${scan ? `scan: ${scan},` : ''}
  }`;
  const project = tempProject(configText());
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const attach = async (env: EnvName) => {
    const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
    if (attached.code !== 0) throw new Error(`attach ${env} failed: ${attached.stderr}`);
  };
  for (const env of ENVIRONMENTS) await attach(env);
  const query = async <Row>(env: EnvName, sql: string) => {
    const database = databases.get(env);
    if (database) return (await adminQuery(sql, [], database)).rows as Row[];
    const db = await openEmbedded(join(project.dir, '.launchdb', env, 'postgres'));
    try {
      return (await db.query<Row>(sql)).rows;
    } finally {
      await db.close();
    }
  };
  const session = async <T>(envName: EnvName, fn: (steps: SessionSteps) => Promise<T>) => {
    const loaded = await Project.load(project.dir);
    const env = loaded.environment(envName);
    const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
      connectTimeoutMs: 5_000,
      command: 'test',
    });
    const context = { project: loaded, env, postgres, now: new Date() };
    try {
      return await fn({
        query: async (sql) => (await (await postgres.db()).query(sql)).rows as never,
        scan: async (options) => scanData(await postgres.db(), loaded, env, options),
        check: () => demoData.run(context),
      });
    } finally {
      await postgres.close();
    }
  };
  return {
    backing,
    project,
    configure(scan) {
      project.write(
        'launchdb.config.ts',
        `import { defineConfig } from 'launchdb';\n\nexport default defineConfig(${configText(scan).replaceAll('{project}', project.name)});\n`,
      );
    },
    seed: (kind, name, content) => project.write(`db/seeds/${kind}/${name}`, content),
    cli,
    query,
    session,
    async copyDevelopmentToProduction() {
      const [development, production] = [databases.get('development'), databases.get('production')];
      if (development && production) {
        await adminQuery(`drop database ${production} with (force)`);
        await adminQuery(`create database ${production} template ${development}`);
      } else {
        const dir = (env: EnvName) => join(project.dir, '.launchdb', env, 'postgres');
        rmSync(dir('production'), { recursive: true, force: true });
        cpSync(dir('development'), dir('production'), { recursive: true });
      }
      // Still marked as development: unmarked, then attached as production, as a restore would be.
      await query('production', 'delete from launchdb.environment');
      await attach('production');
    },
    async remove() {
      project.remove();
      for (const database of databases.values()) {
        await adminQuery(`drop database if exists ${database} with (force)`);
      }
    },
  };
}

/**
 * Inside a describe for one backing: makes the project before its tests and removes it after.
 * Returns the `it` to write them with, which skips the server backing only when no server answers.
 */
export function withScanProject(backing: BackingName, use: (project: ScanProject) => void): TestAPI {
  const skip = backing === 'server' && !serverAvailable;
  let made: ScanProject | undefined;
  beforeAll(async () => {
    if (skip) return;
    made = await scanProject(backing);
    use(made);
  });
  afterAll(async () => made?.remove());
  return (skip ? it.skip : it) as TestAPI;
}
