// Who writes the shared expected-schema cache on an environment `launchdb attach` provisioned: the
// owner (`migrate drift`, and `migrate up` right after applying), never the app role `check` runs as,
// which reads it; so the check after a deploy, on a machine that never ran drift, replays nothing.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { expectedSchemaDir } from '../../src/stores/postgres/schema/expected-schema-files.js';
import { keptShadowName } from '../../src/stores/postgres/schema/kept-shadow.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { writeMigrations } from './live-project.js';

const MIGRATIONS: Record<string, string> = {
  '20260101000000_users.sql':
    'create table users (id bigint generated always as identity primary key, email text);\n',
};

interface DriftDetails {
  expectedSchema: { key: string; cached: boolean; source: string; replayed: number; saved: string[] };
}

describe.skipIf(!serverAvailable)('the expected-schema cache on a provisioned environment', () => {
  let project: TempProject;
  let database: string;
  let stateDir: string;
  const cli = (args: string[]) => runCli([...args, '--env', 'staging'], { cwd: project.dir });
  /** schema.drift as `check --json` reports it, run as the app role. */
  const checkDrift = async () => {
    const run = await cli(['check', '--json', '--only', 'schema']);
    const report = JSON.parse(run.stdout) as {
      checks: { id: string; status: string; summary: string; details: DriftDetails }[];
    };
    return report.checks.find((check) => check.id === 'schema.drift')!;
  };
  const forgetLocalCopy = () => rmSync(expectedSchemaDir(stateDir), { recursive: true, force: true });

  beforeAll(async () => {
    project = tempProject(
      `{ project: '{project}', environments: { staging: { postgres: { adminUrl: '${SERVER_URL}' } } } }`,
    );
    writeMigrations(project, MIGRATIONS);
    expect((await cli(['attach', 'postgres', '--json'])).code).toBe(0);
    const env = (await Project.load(project.dir)).environment('staging');
    database = (resolvePostgresTarget(env) as { database: string }).database;
    stateDir = env.stateDir;
    expect((await cli(['migrate', 'up'])).code).toBe(0);
  });
  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`);
      await adminQuery(`drop database if exists ${keptShadowName(database)} with (force)`);
      for (const kind of ['app', 'readonly', 'owner'])
        await adminQuery(`drop role if exists ${database}_${kind}`);
    }
    project?.remove();
  });

  it('is written by the owner, read by the app role, and kept current by migrate up', async () => {
    // The app role may not write launchdb's schema: check keeps its copy locally only.
    const first = await checkDrift();
    expect(first.status).toBe('pass');
    expect(first.details.expectedSchema).toMatchObject({ cached: false, saved: ['local'] });
    const { key } = first.details.expectedSchema;

    // migrate drift runs as the owner, which shares the local copy through the database.
    const drift = JSON.parse((await cli(['migrate', 'drift', '--json'])).stdout);
    expect(drift.expectedSchema).toMatchObject({ key, cached: true, saved: ['local', 'database'] });
    const { rows } = await adminQuery(
      `select has_table_privilege($1, 'launchdb.expected_schema', 'SELECT') as reads,
              has_table_privilege($1, 'launchdb.expected_schema', 'INSERT') as writes`,
      [`${database}_app`],
      database,
    );
    expect(rows[0]).toEqual({ reads: true, writes: false });

    // Another machine: no local copy, the database's is read by the app role.
    forgetLocalCopy();
    const other = await checkDrift();
    expect(other.details.expectedSchema).toMatchObject({ key, cached: true, source: 'database cache' });

    // A deploy: migrate up applies a migration and caches what drift now expects.
    project.write(
      'db/migrations/20260102000000_orders.sql',
      'create table orders (id bigint primary key);\n',
    );
    const up = await cli(['migrate', 'up']);
    expect(up.code).toBe(0);
    expect(up.stderr).toContain('expected schema cached for drift');
    forgetLocalCopy();
    const after = await checkDrift();
    expect(after.status).toBe('pass');
    expect(after.summary).toContain('(expected schema from cache)');
    expect(after.details.expectedSchema).toMatchObject({
      cached: true,
      source: 'database cache',
      replayed: 0,
    });
    expect(after.details.expectedSchema.key).not.toBe(key);
  });
});
