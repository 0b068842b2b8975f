// The demo-data scan and smoke runs' rows, on both backings: a value carrying the id of a finished run
// whose spec keeps its rows is not demo data outside production-like environments; the rows of a
// killed, unknown, or cleaned-up run are leftovers (`smoke.leftover`), failing in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { newRunId } from '../../src/smoke/run-id.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { scanData } from '../../src/stores/postgres/scan/scan-data.js';
import { finishSmokeRun, startSmokeRun } from '../../src/stores/postgres/smoke/smoke-runs.js';
import { BACKINGS, type FreshDatabase, freshDatabase, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const PLACES = [{ table: 'orders', column: 'reference' }];

describe.each(BACKINGS)('smoke rows in the demo-data scan on %s Postgres', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let fresh: FreshDatabase;
  let db: PostgresDatabase;
  let project: TempProject;
  const runs = { kept: newRunId(), cleaned: newRunId(), killed: newRunId(), unknown: newRunId() };
  const scan = async (env: 'development' | 'production') => {
    const loaded = await Project.load(project.dir);
    return scanData(db, loaded, loaded.environment(env));
  };

  beforeAll(async () => {
    if (skip) return;
    project = tempProject();
    fresh = await freshDatabase(backing);
    db = fresh.db;
    const run = (id: string, keepsRows: boolean) =>
      startSmokeRun(db, {
        id,
        environment: 'development',
        specFile: 'launchdb.smoke.ts',
        specChecksum: 'sha256:abc',
        records: PLACES,
        keepsRows,
      });
    await run(runs.kept, true);
    await finishSmokeRun(db, runs.kept, { status: 'passed', steps: [], cleaned: null });
    await run(runs.cleaned, false);
    await finishSmokeRun(db, runs.cleaned, { status: 'passed', steps: [], cleaned: true });
    await run(runs.killed, false);
    await db.query(
      'create table orders (id int generated always as identity primary key, reference text, email text)',
    );
    await db.query(
      `insert into orders (reference, email) values
         ($1, $2), ($3, null), ($4, null), ($5, null),
         ('smoke-detectors-2024', 'smoke-abcdefghijkl@shop.dev'), ('Spring order', 'maria.garcia@gmail.com')`,
      [
        `order ${runs.kept}`,
        `${runs.kept}@example.com`,
        `order ${runs.cleaned}`,
        `order ${runs.killed}`,
        `order ${runs.unknown}`,
      ],
    );
  });
  afterAll(async () => {
    await fresh?.drop();
    project?.remove();
  });

  it.skipIf(skip)("keeps a finished run's rows its spec keeps, and reports every other run's", async () => {
    const result = await scan('development');
    // The kept run's address at a reserved domain is its test data, not a demo user.
    expect(result.findings).toEqual([
      {
        table: 'orders',
        column: 'reference',
        pattern: 'smoke.leftover',
        kind: 'smoke-leftover',
        severity: 'warn',
        count: 3,
        samples: [`order ${runs.cleaned}`, `order ${runs.killed}`, `order ${runs.unknown}`],
      },
    ]);
    expect(result.verdict).toBe('warn');
  });

  it.skipIf(skip)('fails on any smoke run rows in a production-like environment', async () => {
    const result = await scan('production');
    expect(result.findings).toEqual([
      expect.objectContaining({ column: 'email', pattern: 'smoke.leftover', severity: 'fail', count: 1 }),
      expect.objectContaining({ column: 'reference', pattern: 'smoke.leftover', severity: 'fail', count: 4 }),
    ]);
    expect(result.verdict).toBe('fail');
  });
});
