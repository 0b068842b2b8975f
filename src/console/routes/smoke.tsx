// GET /env/:env/smoke: the environment's smoke runs, newest first, each with its verdict, who ran
// it and when, and every step's time: read from launchdb.smoke_runs as the read-only role.
import type { Environment } from '../../core/project.js';
import {
  listSmokeRuns,
  type SmokeRunRecord,
  smokeRunsAccess,
} from '../../stores/postgres/smoke/smoke-runs.js';
import type { ConsoleRoute } from '../console-context.js';
import { type EnvironmentRead, readEnvironment } from '../read-environment.js';
import { unreadableTable } from '../unreadable-table.js';
import { SmokeView } from '../views/smoke-view.js';
import { environmentOf } from './environment-route.js';

/** Runs a page shows; older ones stay in the table. */
export const SMOKE_RUNS_SHOWN = 50;

/** The newest runs, or in one line why the role the console reads as may not read them. */
export type SmokeRuns = { ok: true; runs: SmokeRunRecord[] } | { ok: false; reason: string };

export const smokePage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/smoke',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project } = c.var.deps;
    const read = await readSmokeRuns(project.environment(env.name));
    return c.html(
      <SmokeView project={project.name} session={c.var.session!} env={env} read={read} now={new Date()} />,
    );
  },
};

function readSmokeRuns(env: Environment): Promise<EnvironmentRead<SmokeRuns>> {
  return readEnvironment(env, async (db): Promise<SmokeRuns> => {
    if ((await smokeRunsAccess(db)) === 'unreadable') {
      return { ok: false, reason: await unreadableTable(db, 'launchdb.smoke_runs', 'the smoke runs') };
    }
    return { ok: true, runs: await listSmokeRuns(db, { limit: SMOKE_RUNS_SHOWN }) };
  });
}
