// connections.idle-in-transaction: no session in this database has sat in an open transaction longer than the threshold.
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

// Idle since state_change; the transaction itself may be older (xact_start). Such a session holds
// its locks and its connection, and keeps vacuum from removing rows deleted since it began.
const SQL = `
select a.pid, a.usename::text as role, a.application_name as application, a.query,
  ${msSince('a.state_change')} as ms, ${msSince('a.xact_start')} as transaction_ms,
  a.state = 'idle in transaction (aborted)' as aborted
from pg_stat_activity a
where a.datname = current_database() and ${CLIENT_BACKEND} and a.pid <> pg_backend_pid()
  and a.state in ('idle in transaction', 'idle in transaction (aborted)')
  and a.state_change < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
order by a.state_change`;

interface Row extends SessionRow {
  transaction_ms: number | null;
  aborted: boolean;
}

/** `transaction`: the open transaction's age; `aborted`: it failed and was never rolled back. */
export type IdleInTransactionSession = SessionDetail & { transaction?: string; aborted?: true };

/** The sessions of this database idle in a transaction longer than `thresholdMs`, longest first: the check's and the console's. */
export async function readIdleInTransaction(
  db: Queryable,
  thresholdMs: number,
): Promise<IdleInTransactionSession[]> {
  const { rows } = await db.query<Row>(SQL, [thresholdMs]);
  return rows.map((row) => ({
    ...describeSession(row),
    ...(row.transaction_ms === null ? {} : { transaction: formatDuration(row.transaction_ms) }),
    ...(row.aborted ? { aborted: true as const } : {}),
  }));
}

export const connectionsIdleInTransaction: Check<PostgresCheckContext> = {
  id: 'connections.idle-in-transaction',
  area: 'connections',
  title: 'No session sits idle in an open transaction for longer than the threshold',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!seesOtherSessions(db)) return { status: 'skip', summary: EMBEDDED_SESSIONS_SKIP };
    const { idleInTransactionMs } = connectionThresholds(ctx.project.config);
    const threshold = formatDuration(idleInTransactionMs);
    const sessions = await readIdleInTransaction(db, idleInTransactionMs);
    const hidden = await hiddenSessions(db);
    const details = {
      thresholdMs: idleInTransactionMs,
      sessions: sessions.slice(0, LISTED),
      total: sessions.length,
    };
    if (sessions.length === 0) {
      return passing(`no session has been idle in a transaction longer than ${threshold}`, details, hidden);
    }
    const longest = sessions[0]!;
    return {
      status: 'warn',
      summary: `${counted(sessions.length, 'session has', 'sessions have')} been idle in an open transaction longer than ${threshold}; the longest, ${nameSession(longest)}, for ${longest.duration} after: ${longest.query}${hiddenNote(hidden)}`,
      details: withHidden(details, hidden),
      fix: fixWithHidden(
        `find the code path that begins a transaction and then waits or forgets COMMIT/ROLLBACK (a client not released on an error path); end one with \`launchdb connections terminate ${longest.pid} --env ${ctx.env.name}\`; give the app role an idle_in_transaction_session_timeout (see connections.app-role-timeouts)`,
        hidden,
      ),
    };
  },
};
