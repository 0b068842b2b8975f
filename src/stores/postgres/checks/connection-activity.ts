// What the live connection checks share: reading pg_stat_activity, and what it hides from the app.
import type { CheckOutcome } from '../../../core/checks/check.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { queryLine } from '../query-line.js';
import { quoteIdent } from '../sql-quote.js';

export const EMBEDDED_SESSIONS_SKIP =
  'embedded: PGlite serves one session inside this process, so there are no other connections to watch; this check applies on a server';

/** Other sessions share the database and show in pg_stat_activity; embedded, there is only ours. */
export function seesOtherSessions(db: PostgresDatabase): boolean {
  return db.capabilities.sessions;
}

/** How many sessions the details list; the summary gives the full count. */
export const LISTED = 20;

/**
 * A SQL condition on pg_stat_activity `a`: the row is a client connection. A session the viewer may
 * not see shows only its database, pid, role and application name (backend_type is null too), so
 * it counts by having a role and a database, which background processes that take no connection
 * slot lack (autovacuum workers have no role).
 */
export const CLIENT_BACKEND = `(a.backend_type = 'client backend'
  or (a.backend_type is null and a.usesysid is not null and a.datid is not null))`;

/** A SQL condition: a client session in this database whose state, times and query are hidden from us. */
export const HIDDEN_HERE = `(a.datname = current_database() and a.backend_type is null
  and a.usesysid is not null)`;

/** A SQL expression: ms from `column` (a timestamptz) to now, as float8. */
export function msSince(column: string): string {
  return `(extract(epoch from clock_timestamp() - ${column}) * 1000)::float8`;
}

/** One session as the checks list it. */
export interface SessionDetail {
  pid: number;
  role: string | null;
  application: string;
  /** How long it has been in the state the check looks at. */
  durationMs: number;
  duration: string;
  /** The first line of its (last) query, literals masked; null when hidden from us. */
  query: string | null;
}

export interface SessionRow {
  pid: number;
  role: string | null;
  application: string | null;
  ms: number;
  query: string | null;
}

export function describeSession(row: SessionRow): SessionDetail {
  return {
    pid: row.pid,
    role: row.role,
    application: row.application ?? '',
    durationMs: Math.round(row.ms),
    duration: formatDuration(row.ms),
    query: row.query === null || row.query === '<insufficient privilege>' ? null : queryLine(row.query),
  };
}

/** `pid 4242 (shop_app, shop:web)`: how a session is named in a summary. */
export function nameSession(session: { pid: number; role: string | null; application: string }): string {
  const who = [session.role ?? 'unknown role', session.application].filter(Boolean).join(', ');
  return `pid ${session.pid} (${who})`;
}

/** `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** `1 query`, `3 queries`. */
export function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Sessions of this database whose activity the app's role may not read. */
export interface HiddenSessions {
  count: number;
  roles: string[];
  /** How to let the checks see them. */
  fix: string;
}

interface Viewer {
  role: string;
  inherits: boolean;
  version: number;
}

/**
 * The sessions of this database we cannot see into, or undefined when there are none. Only
 * superusers and members of pg_read_all_stats read other roles' state and query text; rather than
 * say "none found" about what it could not look at, a check names them and how to see them.
 */
export async function hiddenSessions(db: Queryable): Promise<HiddenSessions | undefined> {
  const { rows } = await db.query<{ role: string | null; count: number }>(
    `select a.usename::text as role, count(*)::int as count
     from pg_stat_activity a where ${HIDDEN_HERE} group by a.usename order by a.usename`,
  );
  if (rows.length === 0) return undefined;
  const { rows: viewer } = await db.query<Viewer>(
    `select current_user::text as role, r.rolinherit as inherits,
       current_setting('server_version_num')::int as version
     from pg_roles r where r.rolname = current_user`,
  );
  return {
    count: rows.reduce((sum, row) => sum + row.count, 0),
    roles: rows.map((row) => row.role ?? '?'),
    fix: readAllStatsFix(viewer[0]),
  };
}

/** How the checks' role gets to read every session: pg_read_all_stats, used through inheritance. */
function readAllStatsFix(viewer: Viewer | undefined): string {
  if (!viewer) return 'run the checks as a role that is a member of pg_read_all_stats';
  const role = quoteIdent(viewer.role);
  const monitor = 'or run the checks as a monitoring role that is a member of pg_read_all_stats';
  if (viewer.inherits) return `GRANT pg_read_all_stats TO ${role}, ${monitor}`;
  // A NOINHERIT role (launchdb's app role is one) holds a granted role's rights only through SET
  // ROLE, which pg_stat_activity does not count; Postgres 16 lets a single grant be inherited.
  if (viewer.version >= 160_000) return `GRANT pg_read_all_stats TO ${role} WITH INHERIT TRUE, ${monitor}`;
  return `run the checks as a monitoring role that is a member of pg_read_all_stats (${role} is NOINHERIT, so before Postgres 16 a grant of pg_read_all_stats does not reach it unless you also ALTER ROLE ${role} INHERIT)`;
}

/** `; 3 sessions of shop_owner, postgres are hidden from this role`, for a summary. */
export function hiddenNote(hidden: HiddenSessions | undefined): string {
  if (!hidden) return '';
  return `; ${counted(hidden.count, 'session', 'sessions')} of ${hidden.roles.join(', ')} ${hidden.count === 1 ? 'is' : 'are'} hidden from this role, so not judged`;
}

/** A warn's fix, followed by how to see the hidden sessions when there are any. */
export function fixWithHidden(fix: string, hidden: HiddenSessions | undefined): string {
  return hidden ? `${fix}; to judge every session, ${hidden.fix}` : fix;
}

/** The details with the hidden sessions named, when there are any. */
export function withHidden(details: object, hidden: HiddenSessions | undefined): object {
  return hidden ? { ...details, hidden: { count: hidden.count, roles: hidden.roles } } : details;
}

/**
 * A pass that judged only the sessions it could see says so, with the way to see the rest: it is
 * a pass about those, not a claim that the hidden ones are fine.
 */
export function passing(summary: string, details: object, hidden: HiddenSessions | undefined): CheckOutcome {
  return {
    status: 'pass',
    summary: `${summary}${hiddenNote(hidden)}`,
    details: withHidden(details, hidden),
    ...(hidden ? { fix: `to judge every session, ${hidden.fix}` } : {}),
  };
}
