// What every `/env/:env…` route starts with: the environment named in the URL and its summary (the
// newest verdict the home page loaded), or a 404 page naming the environments there are.
import { suggest } from '../../core/suggest.js';
import type { ConsoleContext } from '../console-context.js';
import type { EnvironmentSummary } from '../views/home-view.js';
import { MessageView } from '../views/message-view.js';

export async function environmentOf(c: ConsoleContext): Promise<EnvironmentSummary | Response> {
  const { project } = c.var.deps;
  const name = c.req.param('env') ?? '';
  const names = project.environmentNames();
  if (!names.includes(name)) {
    const guess = suggest(name, names);
    return c.html(
      <MessageView
        project={project.name}
        title="No such environment"
        message={`This project has no environment "${name}"; it has ${names.join(', ')}.${guess ? ` Did you mean ${guess}?` : ''}`}
        session={c.var.session}
      />,
      404,
    );
  }
  const { environments } = await c.var.state.home();
  return environments.find((env) => env.name === name)!;
}
