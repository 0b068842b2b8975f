// PoolConnectionError: a connection that could not be made or was lost, naming the server and what
// happened. A statement's own errors (syntax, constraints, …) are not connection errors: they stay pg's.
import { redactText } from '../core/redact.js';
import {
  type ConnectionFailure,
  type ConnectionFailureKind,
  connectionFailure,
} from '../stores/postgres/connection-failure.js';

export type { ConnectionFailureKind };

/** `connect`: no session yet, nothing was sent. `session`: an open connection was lost. */
export type ConnectionPhase = 'connect' | 'session';

const CONNECT_ADVICE: Record<ConnectionFailureKind, string> = {
  closed: 'retry once the server is back',
  shutdown: 'retry once the server is back',
  refused: 'is the server running and listening there?',
  timeout: 'is the server up and reachable from here? (connectTimeout)',
  unresolved: 'check the host in the database URL',
  unreachable: 'check the network between here and the server',
  tls: "check sslmode in the database URL and the server's certificate",
  authentication: "check the user and password in the database URL, and the server's pg_hba.conf",
  'too-many-connections':
    "lower max across the app's processes (launchdb pool plan) or raise the server's max_connections",
  rejected: 'check the database URL',
};

const SESSION_ADVICE =
  'the pool opens a new connection when next needed; a statement in flight may or may not have taken effect';

export class PoolConnectionError extends Error {
  /** `host:port/database`. */
  readonly server: string;
  /** What happened: `closed`, `shutdown`, `refused`, `timeout`, `authentication`, … */
  readonly kind: ConnectionFailureKind;
  readonly phase: ConnectionPhase;
  /** The cause's SQLSTATE or errno (`57P01`, `ECONNRESET`, `28P01`), so code that checks `error.code` keeps working. */
  readonly code: string | undefined;

  constructor(
    facts: { server: string; phase: ConnectionPhase; failure: ConnectionFailure; code: string | undefined },
    cause: Error,
  ) {
    const { server, phase, failure } = facts;
    const reason = redactText(failure.reason);
    super(
      phase === 'connect'
        ? `could not connect to ${server}: ${reason}; ${CONNECT_ADVICE[failure.kind]}`
        : `lost the connection to ${server}: ${reason}; ${SESSION_ADVICE}`,
      { cause },
    );
    this.name = 'PoolConnectionError';
    this.server = server;
    this.kind = failure.kind;
    this.phase = phase;
    this.code = facts.code;
  }
}

export interface ConnectionFacts {
  /** `host:port/database`. */
  server: string;
  phase: ConnectionPhase;
  connectTimeout: number;
  /**
   * A notice the server sent as it went away: an immediate shutdown or a crash says why in a
   * WARNING just before it closes the socket, which pg then reports only as a closed connection.
   */
  farewell?: { code?: string; message?: string };
}

/** `error` as a PoolConnectionError when it means the connection failed; any other error as it is. */
export function connectionError(error: Error, facts: ConnectionFacts): Error {
  if (error instanceof PoolConnectionError) return error;
  const failure = connectionFailure(error, facts.connectTimeout);
  if (!failure) return error;
  const code = codeOf(error);
  const farewell = failure.kind === 'closed' && connectionFailure(facts.farewell, facts.connectTimeout);
  return new PoolConnectionError(
    {
      server: facts.server,
      phase: facts.phase,
      failure: farewell || failure,
      code: code ?? (farewell ? facts.farewell?.code : undefined),
    },
    error,
  );
}

function codeOf(error: Error): string | undefined {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}
