// connections.blocked: no session in this database has waited on a lock longer than the threshold.
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

// Waiters are found in pg_locks, which every role may read, so a blocked session of a role whose
// activity is hidden from us is still found. The wait starts at pg_locks.waitstart (Postgres 14+,
// read through to_jsonb so older servers parse the query); before it, or in the instant before it
// is set, the query's start is the best bound there is.
const BLOCKED_SQL = `
with waiting as (
  select l.pid, min((to_jsonb(l) ->> 'waitstart')::timestamptz) as waitstart
  from pg_locks l where not l.granted group by l.pid
),
blocked as (
  select a.*, coalesce(w.waitstart, a.query_start) as since
  from waiting w join pg_stat_activity a on a.pid = w.pid
  where a.datname = current_database() and ${CLIENT_BACKEND} and a.pid <> pg_backend_pid()
)
select b.pid, b.usename::text as role, b.application_name as application, b.query,
  ${msSince('b.since')} as ms, pg_blocking_pids(b.pid) as blocked_by
from blocked b
where b.since < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
order by b.since`;

// A blocker holds its locks for as long as its transaction lasts, whatever it runs now.
const BLOCKERS_SQL = `
select a.pid, a.usename::text as role, a.application_name as application, a.query, a.state,
  ${msSince('a.xact_start')} as ms
from pg_stat_activity a where a.pid = any($1::int[])
order by a.xact_start nulls last`;

interface BlockedRow extends SessionRow {
  blocked_by: number[];
}

interface BlockerRow extends SessionRow {
  state: string | null;
}

/** A session waiting on a lock longer than the threshold, and the pids it waits for. */
export type BlockedSession = SessionDetail & { blockedBy: number[] };
/** A session holding what a blocked one waits for; `root`: it waits on nobody, so ending it frees the chain. */
export type BlockingSession = SessionDetail & { state: string | null; root: boolean };

export interface BlockedSessions {
  /** Longest waiting first. */
  blocked: BlockedSession[];
  /** Oldest transaction first. */
  blockers: BlockingSession[];
}

/** Who in this database has waited on a lock longer than `thresholdMs`, and who blocks them: the check's and the console's. */
export async function readBlocked(db: Queryable, thresholdMs: number): Promise<BlockedSessions> {
  const { rows } = await db.query<BlockedRow>(BLOCKED_SQL, [thresholdMs]);
  if (rows.length === 0) return { blocked: [], blockers: [] };
  const blockerPids = [...new Set(rows.flatMap((row) => row.blocked_by))];
  const { rows: blockerRows } = await db.query<BlockerRow>(BLOCKERS_SQL, [blockerPids]);
  const waiters = new Set(rows.map((row) => row.pid));
  return {
    blocked: rows.map((row) => ({ ...describeSession(row), blockedBy: row.blocked_by })),
    blockers: blockerRows.map((row) => ({
      ...describeSession(row),
      state: row.state,
      // The first in a chain: ending it frees the others; a blocker that itself waits is not.
      root: !waiters.has(row.pid),
    })),
  };
}

export const connectionsBlocked: Check<PostgresCheckContext> = {
  id: 'connections.blocked',
  area: 'connections',
  title: 'No session has been waiting on a lock for longer than the threshold',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!seesOtherSessions(db)) return { status: 'skip', summary: EMBEDDED_SESSIONS_SKIP };
    const { blockedMs } = connectionThresholds(ctx.project.config);
    const threshold = formatDuration(blockedMs);
    const { blocked, blockers } = await readBlocked(db, blockedMs);
    const hidden = await hiddenSessions(db);
    if (blocked.length === 0) {
      return passing(
        `no session has been waiting on a lock longer than ${threshold}`,
        { thresholdMs: blockedMs, blocked: [], total: 0 },
        hidden,
      );
    }
    const roots = blockers.filter((blocker) => blocker.root);
    const first = blocked[0]!;
    const firstBlocker = blockers.find((blocker) => first.blockedBy.includes(blocker.pid));
    const by = firstBlocker
      ? `by ${nameSession(firstBlocker)}${firstBlocker.state ? `, ${firstBlocker.state}` : ''}${firstBlocker.query ? `: ${firstBlocker.query}` : ''}`
      : `by pid ${first.blockedBy.join(', ') || 'unknown'}`;
    const terminate = roots
      .map((root) => `launchdb connections terminate ${root.pid} --env ${ctx.env.name}`)
      .join('; ');
    return {
      status: 'warn',
      summary: `${counted(blocked.length, 'session has', 'sessions have')} been waiting on a lock longer than ${threshold}; the longest, ${nameSession(first)}, for ${first.duration}, blocked ${by}${hiddenNote(hidden)}`,
      details: withHidden(
        { thresholdMs: blockedMs, blocked: blocked.slice(0, LISTED), total: blocked.length, blockers },
        hidden,
      ),
      fix: fixWithHidden(
        `let the blocking transaction finish or end it${terminate ? ` (${terminate})` : ''}; keep transactions that take strong locks short (migrations: a lock_timeout, which launchdb migrate sets), and give the app role a lock_timeout so a waiting query fails instead of queueing`,
        hidden,
      ),
    };
  },
};
