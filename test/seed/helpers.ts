// A project with three attached environments on one backing — development, a `guarded: true`
// staging, and production — for the seed suites.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it, type TestAPI } from 'vitest';
import type { Check, CheckOutcome } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
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

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvName = (typeof ENVIRONMENTS)[number];

export interface SeedProject {
  project: TempProject;
  /** Writes `db/seeds/<kind>/<name>`. */
  seed(kind: 'reference' | 'demo', name: string, content: string): void;
  /** Empties the seeds folder, for the next test's files. */
  clearSeeds(): void;
  cli(args: string[]): ReturnType<typeof runCli>;
  /** Runs SQL on an environment's database as its superuser, between commands. */
  query<Row = Record<string, unknown>>(env: EnvName, sql: string): Promise<Row[]>;
  /** Runs a check the way `launchdb check` does: the environment's app session, opened and closed. */
  runCheck(env: EnvName, check: Check<PostgresCheckContext>): Promise<CheckOutcome>;
  remove(): Promise<void>;
}

export async function seedProject(backing: BackingName, extraConfig = ''): Promise<SeedProject> {
  const databases = new Map<EnvName, string>();
  if (backing === 'server') {
    for (const env of ENVIRONMENTS) {
      const database = uniqueName(`ldb_seed_${env.slice(0, 4)}`);
      await adminQuery(`create database ${database}`);
      databases.set(env, database);
    }
  }
  const store = (env: EnvName) => {
    const database = databases.get(env);
    return database ? `url: '${serverUrlFor(database)}'` : '';
  };
  const project = tempProject(`{
    project: '{project}',
    environments: {
      development: { postgres: { ${store('development')} } },
      staging: { guarded: true, postgres: { ${store('staging')} } },
      production: { postgres: { ${store('production')} } },
    },
    ${extraConfig}
  }`);
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  for (const env of ENVIRONMENTS) {
    const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
    if (attached.code !== 0) throw new Error(`attach ${env} failed: ${attached.stderr}`);
  }
  return {
    project,
    seed: (kind, name, content) => project.write(`db/seeds/${kind}/${name}`, content),
    clearSeeds: () => rmSync(join(project.dir, 'db/seeds'), { recursive: true, force: true }),
    cli,
    async query<Row>(env: EnvName, sql: string) {
      const database = databases.get(env);
      if (database) return (await adminQuery(sql, [], database)).rows as Row[];
      const db = await openEmbedded(join(project.dir, '.launchdb', env, 'postgres'));
      try {
        return (await db.query<Row>(sql)).rows;
      } finally {
        await db.close();
      }
    },
    async runCheck(envName, check) {
      const loaded = await Project.load(project.dir);
      const env = loaded.environment(envName);
      const session = new PostgresSession(env, resolvePostgresTarget(env)!, {
        connectTimeoutMs: 5_000,
        command: 'test',
      });
      try {
        return await check.run({ project: loaded, env, postgres: session, now: new Date() });
      } finally {
        await session.close();
      }
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
export function withSeedProject(
  backing: BackingName,
  use: (project: SeedProject) => void,
  extraConfig = '',
): TestAPI {
  const skip = backing === 'server' && !serverAvailable;
  let made: SeedProject | undefined;
  beforeAll(async () => {
    if (skip) return;
    made = await seedProject(backing, extraConfig);
    use(made);
  });
  afterAll(async () => made?.remove());
  return (skip ? it.skip : it) as TestAPI;
}
