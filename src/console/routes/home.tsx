// GET /: the home page, from what the control database recorded (cheap: no check runs here, and
// read at most once per cacheMs however many viewers there are).
import { latestCheckRuns, latestGates } from '../../control/latest-check-runs.js';
import { ingestPendingCheckRuns } from '../../control/pending-check-runs.js';
import { declaredStores } from '../../stores/stores.js';
import type { ConsoleDeps, ConsoleRoute } from '../console-context.js';
import { type EnvironmentSummary, HomeView, homeCards } from '../views/home-view.js';

export const home: ConsoleRoute = {
  method: 'GET',
  path: '/',
  access: 'viewer',
  async handle(c) {
    const { cards } = await c.var.state.home();
    return c.html(<HomeView project={c.var.deps.project.name} session={c.var.session!} cards={cards} />);
  },
};

export interface HomeData {
  environments: EnvironmentSummary[];
  /** Their cards, rendered: under many viewers, rendering is most of a page view's work. */
  cards: string;
}

/** Every environment with its newest recorded verdict, and their cards rendered. */
export async function loadHome(deps: ConsoleDeps): Promise<HomeData> {
  const environments = await loadEnvironments(deps);
  return { environments, cards: await homeCards(environments, new Date()) };
}

async function loadEnvironments({ project, control }: ConsoleDeps): Promise<EnvironmentSummary[]> {
  // Embedded, `check` leaves its runs as pending files: take them in before reading.
  if (control.backing === 'embedded') await ingestPendingCheckRuns(project, control.db);
  const [latest, gates] = await Promise.all([
    latestCheckRuns(control.db, project.name),
    latestGates(control.db, project.name),
  ]);
  return project.environmentNames().map((name) => {
    const env = project.environment(name);
    return {
      name,
      guarded: env.guarded,
      owner: env.config.owner,
      stores: declaredStores(env).map((store) => store.name),
      latest: latest.get(name),
      gate: gates.get(name),
    };
  });
}
