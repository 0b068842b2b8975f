// GET /: the home page, from what the control database recorded (cheap: no check runs here).
import { latestCheckRuns } from '../../control/latest-check-runs.js';
import { ingestPendingCheckRuns } from '../../control/pending-check-runs.js';
import type { ConsoleRoute } from '../console-context.js';
import { HomeView } from '../views/home-view.js';

export const home: ConsoleRoute = {
  method: 'GET',
  path: '/',
  access: 'viewer',
  async handle(c) {
    const { project, control } = c.var.deps;
    // Embedded, `check` leaves its runs as pending files: take them in before reading.
    if (control.backing === 'embedded') await ingestPendingCheckRuns(project, control.db);
    const latest = await latestCheckRuns(control.db, project.name);
    const environments = project.environmentNames().map((name) => {
      const env = project.environment(name);
      return { name, guarded: env.guarded, owner: env.config.owner, latest: latest.get(name) };
    });
    return c.html(
      <HomeView
        project={project.name}
        session={c.var.session!}
        environments={environments}
        now={new Date()}
      />,
    );
  },
};
