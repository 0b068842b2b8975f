// Why a connection to Postgres failed or was lost, in words: one reading of what node-postgres surfaces
// (socket errors, the server's FATAL errors and farewell notices, pg's own messages), shared by the
// CLI's unreachable errors and launchdb/pool, which must not import the CLI's side.

/** What happened to the connection. */
export type ConnectionFailureKind =
  /** The server or something on the way closed an open connection. */
  | 'closed'
  /** The server is shutting down, restarting or starting up, or an administrator ended the session. */
  | 'shutdown'
  /** Nothing listens at that host and port. */
  | 'refused'
  /** No answer in time. */
  | 'timeout'
  /** The host name does not resolve. */
  | 'unresolved'
  /** No route to the host. */
  | 'unreachable'
  | 'tls'
  /** The server refused the user, the password or the client's address. */
  | 'authentication'
  /** The server, or the role, has no connection slot left. */
  | 'too-many-connections'
  /** Any other reason the server gave for ending the session (no such database, …). */
  | 'rejected';

export interface ConnectionFailure {
  kind: ConnectionFailureKind;
  /** What happened, in words, then the evidence: `the server closed the connection (ECONNRESET)`. */
  reason: string;
}

type Reading = [ConnectionFailureKind, string];

const CLOSED = 'the server closed the connection';

/** The server's SQLSTATEs that end a session, and what they mean. */
const BY_SQLSTATE: Record<string, Reading> = {
  // pg_terminate_backend and a fast or immediate shutdown send the same code and cannot be told apart.
  '57P01': ['shutdown', 'the server is shutting down or an administrator terminated the session'],
  '57P02': ['shutdown', 'the server is restarting after another server process crashed'],
  '57P03': ['shutdown', 'the server is not accepting connections now'],
  '57P04': ['closed', 'the database was dropped'],
  '57P05': ['closed', 'the server closed the idle session (idle_session_timeout)'],
  '25P03': ['closed', 'the server closed a transaction left idle past idle_in_transaction_session_timeout'],
  '28P01': ['authentication', 'authentication failed'],
  '28000': ['authentication', 'the server refused this user from this address'],
  '53300': ['too-many-connections', 'no free connection slot'],
  '3D000': ['rejected', 'the database does not exist'],
};

/** Node's socket and name lookup errors. */
const BY_ERRNO: Record<string, Reading> = {
  ECONNRESET: ['closed', CLOSED],
  EPIPE: ['closed', CLOSED],
  ECONNABORTED: ['closed', CLOSED],
  ECONNREFUSED: ['refused', 'connection refused'],
  ETIMEDOUT: ['timeout', 'no answer (the network timed out)'],
  ENOTFOUND: ['unresolved', "the server's host could not be resolved"],
  EAI_AGAIN: ['unresolved', "the server's host could not be resolved (no answer from DNS)"],
  EAI_NONAME: ['unresolved', "the server's host could not be resolved"],
  EHOSTUNREACH: ['unreachable', 'no route to the host'],
  ENETUNREACH: ['unreachable', 'the network is unreachable'],
  EHOSTDOWN: ['unreachable', 'the host is down'],
};

/** node-postgres's own messages for a connection that failed. */
const BY_MESSAGE: Record<string, Reading> = {
  'Connection terminated unexpectedly': ['closed', CLOSED],
  'The server does not support SSL connections': [
    'tls',
    'TLS was asked for but the server does not offer it',
  ],
};

/** pg's connect limit ('timeout expired'), and pg-pool's when it sets one. */
const CONNECT_TIMEOUTS = new Set(['timeout expired', 'Connection terminated due to connection timeout']);

/** Node's TLS and certificate errors. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/;

/** A server's fatal errors end the session whatever their code. */
const SESSION_ENDING = new Set(['FATAL', 'PANIC']);

interface DriverError {
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  syscall?: unknown;
}

/**
 * What a connection failure means, or undefined when `error` is not one (a statement's own error:
 * a syntax error, a constraint violation, a cancel). `error` may also be a server notice, which is
 * not an Error. Server messages name no password; pg's do not either.
 */
export function connectionFailure(error: unknown, connectTimeoutMs: number): ConnectionFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, severity, syscall, message: text } = error as DriverError;
  if (typeof text !== 'string') return undefined;
  const message = text.split('\n')[0] ?? '';
  if (CONNECT_TIMEOUTS.has(message)) {
    return { kind: 'timeout', reason: `no answer within ${connectTimeoutMs / 1000} s` };
  }
  const reading = readingOf(typeof code === 'string' ? code : undefined, severity, syscall, message);
  if (!reading) return undefined;
  // A socket error's message repeats the address the caller names already: its code says it all.
  const evidence =
    typeof code !== 'string' ? message : syscall || message.includes(code) ? code : `${code}: ${message}`;
  return { kind: reading[0], reason: `${reading[1]} (${evidence})` };
}

function readingOf(
  code: string | undefined,
  severity: unknown,
  syscall: unknown,
  message: string,
): Reading | undefined {
  if (code !== undefined) {
    if (BY_SQLSTATE[code]) return BY_SQLSTATE[code];
    if (BY_ERRNO[code]) return BY_ERRNO[code];
    // A Unix socket path with no server behind it.
    if (code === 'ENOENT' && syscall === 'connect') return ['refused', 'no server listens on that socket'];
    if (TLS_CODE.test(code)) return ['tls', 'the TLS handshake failed'];
    if (typeof severity === 'string' && SESSION_ENDING.has(severity)) {
      return ['rejected', 'the server ended the session'];
    }
  }
  if (BY_MESSAGE[message]) return BY_MESSAGE[message];
  // pg's SCRAM client: no password given, or the server's proof did not match.
  if (message.startsWith('SASL:')) return ['authentication', 'authentication failed'];
  return undefined;
}
