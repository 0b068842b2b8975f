// QueryTimeoutError: a statement stopped by one of its time limits, which it names with the statement's first line.
import { queryLine } from '../stores/postgres/query-line.js';

/** The limit that stopped a statement: one of the server's settings, or the pool's client-side backstop. */
export type TimeoutName =
  | 'statement_timeout'
  | 'lock_timeout'
  | 'idle_in_transaction_session_timeout'
  | 'queryTimeout';

/** The limits a pool's connections run under, in ms; 0 is none. */
export interface TimeoutLimits {
  statementTimeout: number;
  lockTimeout: number;
  idleInTransactionTimeout: number;
  queryTimeout: number;
  /** False behind PgBouncer: the server settings are the role's, which the pool does not know. */
  sessionSettings: boolean;
}

export interface TimeoutHit {
  name: TimeoutName;
  /** The limit in ms, when the pool set it. */
  ms: number | undefined;
  /** `server`: Postgres stopped the statement; `client`: the backstop gave up waiting and cancelled it. */
  source: 'server' | 'client';
}

/** pg's own message when its query_timeout fires; the pool's backstop (deadlines.ts) uses it too. */
export const CLIENT_TIMEOUT_MESSAGE = 'Query read timeout';

const ADVICE: Record<TimeoutName, string> = {
  statement_timeout: 'make the statement faster (an index?) or raise statementTimeout',
  lock_timeout: 'another transaction held a lock it needed; keep transactions short, or raise lockTimeout',
  idle_in_transaction_session_timeout:
    'the server closed the connection because a transaction sat open and idle; do not hold a transaction across other work',
  queryTimeout:
    "the server's statement_timeout did not stop it; check the role's statement_timeout (PgBouncer?) or raise queryTimeout",
};

export class QueryTimeoutError extends Error {
  /** The limit that fired: `statement_timeout`, `lock_timeout`, `idle_in_transaction_session_timeout` or `queryTimeout`. */
  readonly timeout: TimeoutName;
  readonly timeoutMs: number | undefined;
  readonly source: 'server' | 'client';
  /** The statement's first line, string literals masked. */
  readonly statement: string;
  /** The server's SQLSTATE (`57014`, `55P03`, `25P03`) so code that checks `error.code` keeps working. */
  readonly code: string | undefined;

  constructor(hit: TimeoutHit, text: string, cause: Error) {
    const statement = queryLine(text);
    const limit = hit.ms === undefined ? "the server's setting" : `${hit.ms} ms`;
    const what =
      hit.name === 'idle_in_transaction_session_timeout'
        ? `${hit.name} (${limit}) closed the connection before "${statement}"`
        : `${hit.name} (${limit}) stopped "${statement}"`;
    super(`query timed out: ${what}; ${ADVICE[hit.name]}`, { cause });
    this.name = 'QueryTimeoutError';
    this.timeout = hit.name;
    this.timeoutMs = hit.ms;
    this.source = hit.source;
    this.statement = statement;
    this.code = (cause as { code?: string }).code;
  }
}

/**
 * Which limit an error from pg means, if any. `lostWith` is the error that ended the connection
 * before this statement: the statement after an idle-in-transaction timeout fails as "not queryable".
 * The server's messages are matched in English (lc_messages' default); the codes alone are ambiguous:
 * 57014 is also a cancel by hand, 55P03 also NOWAIT.
 */
export function timeoutOf(
  error: Error,
  limits: TimeoutLimits,
  lostWith: Error | undefined,
): TimeoutHit | undefined {
  const code = (error as { code?: string }).code;
  const server = (ms: number) => (limits.sessionSettings && ms > 0 ? ms : undefined);
  if (code === '57014' && error.message.includes('statement timeout')) {
    return { name: 'statement_timeout', ms: server(limits.statementTimeout), source: 'server' };
  }
  if (code === '55P03' && error.message.includes('lock timeout')) {
    return { name: 'lock_timeout', ms: server(limits.lockTimeout), source: 'server' };
  }
  if (code === undefined && error.message === CLIENT_TIMEOUT_MESSAGE) {
    return { name: 'queryTimeout', ms: limits.queryTimeout, source: 'client' };
  }
  if ((lostWith as { code?: string } | undefined)?.code === '25P03') {
    return {
      name: 'idle_in_transaction_session_timeout',
      ms: server(limits.idleInTransactionTimeout),
      source: 'server',
    };
  }
  return undefined;
}
