// GET /env/:env: one environment's readiness: its newest recorded report by area, and how the
// verdict changed over the last 30 days (a chart and the runs, each with the checks that changed).
import { readCheckHistory } from '../../control/check-history.js';
import { ingestPendingCheckRuns } from '../../control/pending-check-runs.js';
import type { ConsoleRoute } from '../console-context.js';
import { EnvironmentView } from '../views/environment-view.js';
import { environmentOf } from './environment-route.js';

const HISTORY_DAYS = 30;

export const environmentPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project, control } = c.var.deps;
    // Embedded, a `check` (one run from this console's actions too) leaves its run as a pending file.
    if (control.backing === 'embedded') await ingestPendingCheckRuns(project, control.db);
    const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
    const runs = await readCheckHistory(control.db, { project: project.name, environment: env.name, since });
    return c.html(
      <EnvironmentView
        project={project.name}
        session={c.var.session!}
        env={env}
        runs={runs}
        days={HISTORY_DAYS}
      />,
    );
  },
};
