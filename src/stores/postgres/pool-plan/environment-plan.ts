// One environment's capacity plan: the server's limits read live, the config's processes, and each role's limit now and planned.
import type { ConnectionsConfig } from '../../../core/config/types.js';
import type { Environment } from '../../../core/project.js';
import type { Queryable } from '../database.js';
import { DEFAULT_ROLE_SETTINGS } from '../provision/role-settings.js';
import { type RoleKind, roleNamesOf } from '../provision/roles.js';
import type { ServerTarget } from '../target.js';
import { type CapacityPlan, PGBOUNCER_FILE_LIMIT, type Pooler, planCapacity } from './capacity-plan.js';
import { targetRoles } from './plan-target.js';
import { readRoleLimits, readServerLimits, type ServerLimits } from './server-limits.js';

export interface PlannedRole {
  kind: RoleKind;
  role: string;
  /** The server has it; a missing one is skipped. */
  exists: boolean;
  /** Postgres applies no connection limit to superusers; skipped. */
  superuser: boolean;
  /** Its CONNECTION LIMIT now; null for none. */
  current: number | null;
  planned: number;
  /** What `--apply` does with it. */
  action: 'set' | 'unchanged' | 'skip';
  /** Why it is skipped. */
  reason?: string;
}

export interface EnvironmentPlan {
  /** `host:port/database`, safe to print. */
  location: string;
  server: ServerLimits;
  plan: CapacityPlan;
  roles: PlannedRole[];
  /** What the user should know beside the numbers, one sentence each. */
  notes: string[];
}

/**
 * Reads the server through `db` (the app's connection, or the admin's for `--apply`: the settings
 * and pg_roles are the server's, whichever database it is on) and plans for the config's processes.
 * `pooler` overrides `connections.pooler`.
 */
export async function planEnvironment(
  db: Queryable,
  env: Environment,
  target: ServerTarget,
  connections: ConnectionsConfig = {},
  pooler: Pooler = connections.pooler ?? 'none',
): Promise<EnvironmentPlan> {
  const location = `${target.host}:${target.port}/${target.database}`;
  const server = await readServerLimits(db);
  const plan = planCapacity({
    ...server,
    ...(connections.processes ? { processes: connections.processes } : {}),
    pooler,
  });
  const wanted = targetRoles(target);
  const limits = await readRoleLimits(
    db,
    wanted.map((role) => role.role),
  );
  const roles = wanted.map(({ kind, role }, i): PlannedRole => {
    const limit = limits[i]!;
    const planned = plan.roleLimits[kind];
    const base = {
      kind,
      role,
      exists: limit.exists,
      superuser: limit.superuser,
      current: limit.connectionLimit,
      planned,
    };
    if (!limit.exists) {
      return { ...base, action: 'skip', reason: `no role ${role} at ${target.host}:${target.port}` };
    }
    if (limit.superuser) {
      return {
        ...base,
        action: 'skip',
        reason: 'a superuser: Postgres applies no connection limit to superusers',
      };
    }
    return { ...base, action: limit.connectionLimit === planned ? 'unchanged' : 'set' };
  });

  const notes: string[] = [];
  const app = roles.find((role) => role.kind === 'app');
  if (app?.superuser) {
    notes.push(
      `the app logs in as ${app.role}, a superuser: no connection limit binds it, and it may take the slots kept for admins; give the app a role of its own (launchdb attach postgres --env ${env.name} --admin-url URL)`,
    );
  }
  const expected = env.config.postgres?.appRole?.connectionLimit ?? DEFAULT_ROLE_SETTINGS.connectionLimit;
  if (
    plan.fits &&
    app &&
    app.action !== 'skip' &&
    isProvisionedApp(app.role, target.database) &&
    expected !== app.planned
  ) {
    notes.push(
      `attach expects connection limit ${expected} for ${app.role}; set environments.${env.name}.postgres.appRole.connectionLimit to ${app.planned} so a later attach agrees with this plan`,
    );
  }
  const bouncer = plan.pgbouncer ?? plan.recommendation?.pgbouncer;
  if (bouncer && bouncer.maxClientConn + bouncer.serverPool > PGBOUNCER_FILE_LIMIT) {
    notes.push(
      `PgBouncer's max_client_conn ${bouncer.maxClientConn} needs an open-files limit above ${bouncer.maxClientConn + bouncer.serverPool}, one per client and server connection (ulimit -n, or LimitNOFILE in its service)`,
    );
  }
  return { location, server, plan, roles, notes };
}

function isProvisionedApp(role: string, database: string): boolean {
  try {
    return roleNamesOf(database).app === role;
  } catch {
    return false; // A database name too long to have been provisioned.
  }
}
