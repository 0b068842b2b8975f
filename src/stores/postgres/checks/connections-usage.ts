// connections.usage: the server's connections in use stay below a share of those the app may open.
import type { Check } from '../../../core/checks/check.js';
import type { Queryable } from '../database.js';
import { CLIENT_BACKEND, EMBEDDED_SESSIONS_SKIP, LISTED, seesOtherSessions } from './connection-activity.js';
import { connectionThresholds } from './connection-thresholds.js';
import type { PostgresCheckContext } from './context.js';

// max_connections is the server's, so the count is server-wide: every database's clients take
// slots from the same pool. The app may use max_connections less the slots kept for superusers
// (and, from Postgres 16, for pg_use_reserved_connections members): once only those are free, the
// app's next connection is refused with "remaining connection slots are reserved" although the
// server is not full. That is the app's ceiling, so usage is measured against it. Counts and names
// of other roles' sessions are visible to every role; only their state and query are not.
const LIMITS_SQL = `
select current_setting('max_connections')::int as max_connections,
  current_setting('superuser_reserved_connections')::int as superuser_reserved,
  coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0) as reserved,
  r.rolname::text as app_role, r.rolconnlimit as app_role_limit,
  current_database()::text as database
from pg_roles r where r.rolname = current_user`;

const IN_USE_SQL = `
select a.usename::text as role, a.application_name as application, a.datname::text as database,
  count(*)::int as count
from pg_stat_activity a where ${CLIENT_BACKEND}
group by 1, 2, 3`;

interface Limits {
  max_connections: number;
  superuser_reserved: number;
  reserved: number;
  app_role: string;
  app_role_limit: number;
  database: string;
}

interface Group {
  role: string | null;
  application: string | null;
  database: string | null;
  count: number;
}

/** `{ name: count }`, most first, at most LISTED names. */
function tally(groups: Group[], key: (group: Group) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const group of groups) counts.set(key(group), (counts.get(key(group)) ?? 0) + group.count);
  return Object.fromEntries(
    [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, LISTED),
  );
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The server's client connections against those the app may open: the check's and the console's gauge. */
export interface ConnectionUsage {
  inUse: number;
  /** max_connections less the reserved slots: the app's ceiling. */
  available: number;
  share: number;
  maxConnections: number;
  superuserReserved: number;
  /** Postgres 16's reserved_connections, when set. */
  reserved?: number;
  /** The reading role, its connections and its limit (null: none). */
  appRole: { role: string; connections: number; limit: number | null };
  thisDatabase: number;
  byRole: Record<string, number>;
  byApplication: Record<string, number>;
  byDatabase: Record<string, number>;
}

export async function readConnectionUsage(db: Queryable): Promise<ConnectionUsage> {
  const { rows: limitRows } = await db.query<Limits>(LIMITS_SQL);
  const limits = limitRows[0]!;
  const { rows: groups } = await db.query<Group>(IN_USE_SQL);
  const inUse = groups.reduce((sum, group) => sum + group.count, 0);
  const available = Math.max(1, limits.max_connections - limits.superuser_reserved - limits.reserved);
  const share = inUse / available;
  const ofAppRole = groups
    .filter((group) => group.role === limits.app_role)
    .reduce((sum, group) => sum + group.count, 0);
  return {
    inUse,
    available,
    share: Math.round(share * 1000) / 1000,
    maxConnections: limits.max_connections,
    superuserReserved: limits.superuser_reserved,
    ...(limits.reserved > 0 ? { reserved: limits.reserved } : {}),
    appRole: {
      role: limits.app_role,
      connections: ofAppRole,
      limit: limits.app_role_limit === -1 ? null : limits.app_role_limit,
    },
    thisDatabase: groups
      .filter((group) => group.database === limits.database)
      .reduce((sum, group) => sum + group.count, 0),
    byRole: tally(groups, (group) => group.role ?? '(unknown)'),
    byApplication: tally(groups, (group) => group.application || '(none)'),
    byDatabase: tally(groups, (group) => group.database ?? '(none)'),
  };
}

export const connectionsUsage: Check<PostgresCheckContext> = {
  id: 'connections.usage',
  area: 'connections',
  title: "Connections in use stay well below the server's limit",
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!seesOtherSessions(db)) return { status: 'skip', summary: EMBEDDED_SESSIONS_SKIP };
    const { usageWarn, usageFail } = connectionThresholds(ctx.project.config);
    const usage = await readConnectionUsage(db);
    const { inUse, available } = usage;
    const share = inUse / available;
    const reserved = usage.superuserReserved + (usage.reserved ?? 0);
    const { appRole, thisDatabase, byRole, byApplication, byDatabase, ...counts } = usage;
    const details = {
      ...counts,
      warnAt: usageWarn,
      failAt: usageFail,
      appRole,
      thisDatabase,
      byRole,
      byApplication,
      byDatabase,
    };
    const measured = `${inUse} of ${available} connections in use (${percent(share)}; max_connections ${usage.maxConnections} less ${reserved} reserved for superusers${usage.reserved ? ' and pg_use_reserved_connections' : ''})`;
    if (share < usageWarn) return { status: 'pass', summary: measured, details };
    const top = Object.entries(details.byRole)
      .slice(0, 3)
      .map(([role, count]) => `${role} ${count}`)
      .join(', ');
    const failing = share >= usageFail;
    return {
      status: failing ? 'fail' : 'warn',
      summary: `${measured}, at or over the ${failing ? 'fail' : 'warn'} share ${percent(failing ? usageFail : usageWarn)}; most by role: ${top}`,
      details,
      fix: 'see who holds them in the details (by role, application and database); size pools to fit (`launchdb pool plan`), put PgBouncer in front in transaction mode (`launchdb pool pgbouncer`), close idle connections sooner, or raise max_connections',
    };
  },
};
