// The warnings a pool emits (its 'warning' event, and Node's process warnings): an Error with a code.

export const WARNING_CODES = {
  /** A second pool for a database that already has one open in this process. */
  duplicate: 'LAUNCHDB_POOL_DUPLICATE',
  /** end() cancelled statements still running at its time limit. */
  endTimeout: 'LAUNCHDB_POOL_END_TIMEOUT',
  /** An idle connection failed and nobody listens for the pool's 'error'. */
  idleError: 'LAUNCHDB_POOL_IDLE_ERROR',
} as const;

export interface PoolWarning extends Error {
  code: (typeof WARNING_CODES)[keyof typeof WARNING_CODES];
}

export function poolWarning(code: PoolWarning['code'], message: string): PoolWarning {
  const warning = new Error(message) as PoolWarning;
  warning.name = 'LaunchdbPoolWarning';
  warning.code = code;
  return warning;
}

/** Prints it the way Node prints its own: `(node:pid) [CODE] LaunchdbPoolWarning: …`. */
export function emitProcessWarning(warning: PoolWarning): void {
  process.emitWarning(warning.message, { type: warning.name, code: warning.code });
}
