// connections.long-running: no query in this database has been running longer than the threshold.
import type { Check } from '../../../core/checks/check.js';
import type { Queryable } from '../database.js';
import {
  CLIENT_BACKEND,
  counted,
  describeSession,
  EMBEDDED_SESSIONS_SKIP,
  fixWithHidden,
  formatDuration,
  hiddenNote,
  hiddenSessions,
  LISTED,
  msSince,
  nameSession,
  passing,
  type SessionDetail,
  type SessionRow,
  seesOtherSessions,
  withHidden,
} from './connection-activity.js';
import { connectionThresholds } from './connection-thresholds.js';
import type { PostgresCheckContext } from './context.js';

// Only this database: the environment's, not its neighbours' on a shared server. Our own backend
// is left out; a query waiting on a lock is listed too (it is running), with what it waits for.
const SQL = `
select a.pid, a.usename::text as role, a.application_name as application, a.query,
  ${msSince('a.query_start')} as ms,
  case when a.wait_event_type = 'Lock' then 'waiting on a lock (' || a.wait_event || ')' end as waiting
from pg_stat_activity a
where a.datname = current_database() and ${CLIENT_BACKEND} and a.pid <> pg_backend_pid()
  and a.state in ('active', 'fastpath function call')
  and a.query_start < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
order by a.query_start`;

interface Row extends SessionRow {
  waiting: string | null;
}

export type LongRunningQuery = SessionDetail & { waiting?: string };

/** The active queries of this database running longer than `thresholdMs`, longest first: the check's and the console's. */
export async function readLongRunning(db: Queryable, thresholdMs: number): Promise<LongRunningQuery[]> {
  const { rows } = await db.query<Row>(SQL, [thresholdMs]);
  return rows.map((row) => ({ ...describeSession(row), ...(row.waiting ? { waiting: row.waiting } : {}) }));
}

export const connectionsLongRunning: Check<PostgresCheckContext> = {
  id: 'connections.long-running',
  area: 'connections',
  title: 'No query has been running for longer than the threshold',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!seesOtherSessions(db)) return { status: 'skip', summary: EMBEDDED_SESSIONS_SKIP };
    const { longRunningMs } = connectionThresholds(ctx.project.config);
    const threshold = formatDuration(longRunningMs);
    const queries = await readLongRunning(db, longRunningMs);
    const hidden = await hiddenSessions(db);
    const details = { thresholdMs: longRunningMs, queries: queries.slice(0, LISTED), total: queries.length };
    if (queries.length === 0) {
      return passing(`no query has been running longer than ${threshold}`, details, hidden);
    }
    const longest = queries[0]!;
    return {
      status: 'warn',
      summary: `${counted(queries.length, 'query has', 'queries have')} been running longer than ${threshold}; the longest, ${nameSession(longest)}, for ${longest.duration}: ${longest.query}${hiddenNote(hidden)}`,
      details: withHidden(details, hidden),
      fix: fixWithHidden(
        `find what makes them slow (EXPLAIN ANALYZE, a missing index); stop one with \`select pg_cancel_backend(<pid>)\`; give the app role a statement_timeout so a slow query fails instead of holding its connection (see connections.app-role-timeouts)`,
        hidden,
      ),
    };
  },
};
