// GET /env/:env/connections: the server's connections in use against those the app may open (a
// gauge), this database's long-running queries, sessions idle in a transaction and blocked chains
// over the config's thresholds, and the pool plan — read on each view as the read-only role, by the
// same functions the connection checks and `launchdb pool plan` call. What that role cannot see of
// other roles' sessions is said, with how to let it.
import type { Environment, Project } from '../../core/project.js';
import { type HiddenSessions, hiddenSessions } from '../../stores/postgres/checks/connection-activity.js';
import {
  type ConnectionThresholds,
  connectionThresholds,
} from '../../stores/postgres/checks/connection-thresholds.js';
import { type BlockedSessions, readBlocked } from '../../stores/postgres/checks/connections-blocked.js';
import {
  type IdleInTransactionSession,
  readIdleInTransaction,
} from '../../stores/postgres/checks/connections-idle-in-transaction.js';
import {
  type LongRunningQuery,
  readLongRunning,
} from '../../stores/postgres/checks/connections-long-running.js';
import { type ConnectionUsage, readConnectionUsage } from '../../stores/postgres/checks/connections-usage.js';
import { currentRole } from '../../stores/postgres/current-role.js';
import { type EnvironmentPlan, planEnvironment } from '../../stores/postgres/pool-plan/environment-plan.js';
import { serverTargetOf } from '../../stores/postgres/pool-plan/plan-target.js';
import type { ConsoleRoute } from '../console-context.js';
import { type EnvironmentRead, readEnvironment } from '../read-environment.js';
import { ConnectionsView } from '../views/connections-view.js';
import { environmentOf } from './environment-route.js';

/** What the tab shows of a server's sessions, as one role read them. */
export interface ServerConnections {
  backing: 'server';
  /** The role that read them: what it may not see is in `hidden`. */
  as: string;
  thresholds: ConnectionThresholds;
  usage: ConnectionUsage;
  longRunning: LongRunningQuery[];
  idleInTransaction: IdleInTransactionSession[];
  blocked: BlockedSessions;
  /** Sessions of this database whose state and query the role may not read; undefined when none. */
  hidden: HiddenSessions | undefined;
  plan: EnvironmentPlan;
}

export type ConnectionsTab = EnvironmentRead<ServerConnections | { backing: 'embedded' }>;

export const connectionsPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/connections',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project } = c.var.deps;
    const tab = await readConnectionsTab(project, project.environment(env.name));
    return c.html(<ConnectionsView project={project.name} session={c.var.session!} env={env} tab={tab} />);
  },
};

function readConnectionsTab(project: Project, env: Environment): Promise<ConnectionsTab> {
  return readEnvironment(env, async (db, backing) => {
    // Embedded: PGlite serves one session inside the process that opened it; nothing else to show.
    if (backing === 'embedded') return { backing };
    const thresholds = connectionThresholds(project.config);
    const value: ServerConnections = {
      backing,
      as: await currentRole(db),
      thresholds,
      usage: await readConnectionUsage(db),
      longRunning: await readLongRunning(db, thresholds.longRunningMs),
      idleInTransaction: await readIdleInTransaction(db, thresholds.idleInTransactionMs),
      blocked: await readBlocked(db, thresholds.blockedMs),
      hidden: await hiddenSessions(db),
      plan: await planEnvironment(db, env, serverTargetOf(env, 'pool plan'), project.config.connections),
    };
    return value;
  });
}
