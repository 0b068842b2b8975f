// The smoke test's database side on environments `launchdb attach` provisioned on the server: who may
// write launchdb.smoke_runs (the owner) and who reads it (the app and read-only roles); the wrong-store
// diagnosis across the project's environments (the app wrote to staging, not production), with an
// unreachable one and one sharing the database under test noted; and a killed run swept as the owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { newRunId } from '../../src/smoke/run-id.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { findRunElsewhere, findRunRows } from '../../src/stores/postgres/smoke/find-run.js';
import { databaseEvidence } from '../../src/stores/postgres/smoke/record-evidence.js';
import { markRunStart } from '../../src/stores/postgres/smoke/run-start.js';
import {
  lastSmokeRun,
  startSmokeRun,
  unfinishedSmokeRuns,
} from '../../src/stores/postgres/smoke/smoke-runs.js';
import { sweepUnfinishedRuns } from '../../src/stores/postgres/smoke/sweep.js';
import { resolvePostgresTarget, type ServerTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, queryAt, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const PLACES = [{ table: 'orders', column: 'reference' }];
const SERVER_BASE = SERVER_URL.replace(/\/[^/]*$/, '');

describe.skipIf(!serverAvailable)('smoke runs on provisioned server environments', () => {
  let project: TempProject;
  let loaded: Project;
  const targets = new Map<string, ServerTarget>();
  const opened: PostgresDatabase[] = [];
  const open = async (url: string) => {
    const db = await openServer(url, { max: 1 });
    opened.push(db);
    return db;
  };
  /** Writes as the app does: its own role, its own session. */
  const appWrites = async (env: string, sql: string, params: unknown[]) => {
    await queryAt(targets.get(env)!.url, sql, params);
  };

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: {} },
        staging: { postgres: { adminUrl: '${SERVER_URL}' } },
        production: { postgres: { adminUrl: '${SERVER_URL}' } },
        preview: { postgres: { url: 'postgresql://postgres@127.0.0.1:1/nowhere' } },
        qa: { postgres: { url: '${SERVER_BASE}/{project}_production' } },
      },
    }`);
    project.write(
      'db/migrations/20260101000000_orders.sql',
      'create table orders (id bigint generated always as identity primary key, reference text not null);\n',
    );
    for (const env of ['staging', 'production']) {
      for (const command of [
        ['attach', 'postgres'],
        ['migrate', 'up'],
      ]) {
        const run = await runCli([...command, '--env', env, '--confirm', env], { cwd: project.dir });
        expect(run.code, run.stderr + run.stdout).toBe(0);
      }
    }
    loaded = await Project.load(project.dir);
    for (const env of ['staging', 'production']) {
      targets.set(env, resolvePostgresTarget(loaded.environment(env)) as ServerTarget);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close().catch(() => {})));
    for (const target of targets.values()) {
      await adminQuery(`drop database if exists ${target.database} with (force)`);
      for (const kind of ['app', 'readonly', 'owner'])
        await adminQuery(`drop role if exists ${target.database}_${kind}`);
    }
    project?.remove();
  });

  it('is written by the owner and read, never written, by the app and read-only roles', async () => {
    const target = targets.get('production')!;
    const owner = await open(target.migrationUrl);
    const runId = newRunId();
    await startSmokeRun(owner, {
      id: runId,
      environment: 'production',
      specFile: 'launchdb.smoke.ts',
      specChecksum: 'sha256:abc',
      records: PLACES,
      keepsRows: false,
    });
    for (const url of [target.url, target.readonlyUrl!]) {
      const reader = await open(url);
      expect(await lastSmokeRun(reader)).toMatchObject({ id: runId, status: 'running' });
      expect(await unfinishedSmokeRuns(reader)).toMatchObject([{ id: runId }]);
      const { rows } = await reader.query<{ writes: boolean }>(
        `select has_table_privilege('launchdb.smoke_runs', 'INSERT') or has_table_privilege('launchdb.smoke_runs', 'UPDATE')
             or has_table_privilege('launchdb.smoke_runs', 'DELETE') as writes`,
      );
      expect(rows[0]!.writes).toBe(false);
    }
    const app = await open(target.url);
    await expect(
      startSmokeRun(app, {
        id: newRunId(),
        environment: 'production',
        specFile: 'launchdb.smoke.ts',
        specChecksum: 'sha256:abc',
        records: PLACES,
        keepsRows: false,
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it("gives the database's evidence read as the read-only role, the app's writes counted", async () => {
    const target = targets.get('production')!;
    const reader = await open(target.readonlyUrl!);
    const runId = newRunId();
    const marker = await markRunStart(reader, PLACES, { appRole: `${target.database}_app` });
    await appWrites('production', 'insert into orders (reference) values ($1)', [runId]);
    const evidence = await databaseEvidence(reader, marker, PLACES, runId);
    expect(evidence.sentences.slice(0, 2)).toEqual([
      `orders.reference: 1 row carrying ${runId} written after the run started`,
      expect.stringMatching(/^the server counted 1 row written to orders since the run started/),
    ]);
    expect(evidence.ok).toBe(true);
  });

  it('finds where the app wrote instead: another environment, named with its database', async () => {
    const runId = newRunId();
    await appWrites('staging', 'insert into orders (reference) values ($1)', [`order ${runId}`]);
    const production = await open(targets.get('production')!.readonlyUrl!);
    expect(await findRunRows(production, PLACES, runId)).toEqual([{ place: PLACES[0], rows: 0 }]);

    const started = performance.now();
    const elsewhere = await findRunElsewhere(loaded, 'production', PLACES, runId, {
      connectTimeoutMs: 2_000,
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(elsewhere.found).toEqual([
      {
        environment: 'staging',
        location: targets.get('staging')!.database,
        rows: 1,
        places: [{ place: PLACES[0], rows: 1 }],
      },
    ]);
    // development is embedded and never attached: nothing to search, nothing to say.
    expect(elsewhere.notes).toHaveLength(2);
    expect(elsewhere.notes).toContain(
      'qa: not searched: it uses the same database as the environment under test',
    );
    const preview = elsewhere.notes.find((note) => note.startsWith('preview'));
    expect(preview).toMatch(/^preview \(nowhere\): not searched: .*127\.0\.0\.1:1/);
  });

  it("sweeps a killed run's rows as the owner", async () => {
    const target = targets.get('staging')!;
    const owner = await open(target.migrationUrl);
    const [killed, next] = [newRunId(), newRunId()];
    await startSmokeRun(owner, {
      id: killed,
      environment: 'staging',
      specFile: 'launchdb.smoke.ts',
      specChecksum: 'sha256:abc',
      records: PLACES,
      keepsRows: false,
    });
    await appWrites('staging', 'insert into orders (reference) values ($1), ($2)', [
      killed,
      `${killed} again`,
    ]);
    expect(await sweepUnfinishedRuns(owner, next)).toEqual({ runs: [killed], rows: 2, notes: [] });
    expect(await findRunRows(owner, PLACES, killed)).toEqual([{ place: PLACES[0], rows: 0 }]);
  });
});
