// GET /env/:env: one environment's readiness: its newest recorded report by area, and how the
// verdict changed over the last 30 days (a chart and the runs, each with the checks that changed).
import { readCheckHistory } from '../../control/check-history.js';
import { suggest } from '../../core/suggest.js';
import type { ConsoleContext, ConsoleRoute } from '../console-context.js';
import { EnvironmentView } from '../views/environment-view.js';
import { MessageView } from '../views/message-view.js';

const HISTORY_DAYS = 30;

export const environmentPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env',
  access: 'viewer',
  async handle(c) {
    const { project, control } = c.var.deps;
    const name = c.req.param('env') ?? '';
    if (!project.environmentNames().includes(name)) return unknownEnvironment(c, name);
    const { environments } = await c.var.state.home();
    const summary = environments.find((env) => env.name === name)!;
    const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
    const runs = await readCheckHistory(control.db, { project: project.name, environment: name, since });
    return c.html(
      <EnvironmentView
        project={project.name}
        session={c.var.session!}
        env={summary}
        runs={runs}
        days={HISTORY_DAYS}
      />,
    );
  },
};

function unknownEnvironment(c: ConsoleContext, name: string) {
  const names = c.var.deps.project.environmentNames();
  const guess = suggest(name, names);
  return c.html(
    <MessageView
      project={c.var.deps.project.name}
      title="No such environment"
      message={`This project has no environment "${name}"; it has ${names.join(', ')}.${guess ? ` Did you mean ${guess}?` : ''}`}
      session={c.var.session}
    />,
    404,
  );
}
