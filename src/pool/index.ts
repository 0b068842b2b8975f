// launchdb/pool: the connection pool apps import, created once per process.

export { type Holder, PoolExhaustedError } from './acquire-errors.js';
export {
  type ConnectionFailureKind,
  type ConnectionPhase,
  PoolConnectionError,
} from './connection-errors.js';
export { createPool, LaunchdbPool } from './create-pool.js';
export type { EndOptions } from './graceful-end.js';
export type { HealthOptions, PoolHealth } from './health.js';
export { POOL_DEFAULTS, POOL_ENV, type PoolOptions, type PoolSettings } from './options.js';
export { duplicatePoolCount } from './registry.js';
export type { AcquireWait, PoolStats } from './stats.js';
export { QueryTimeoutError, type TimeoutName } from './timeouts.js';
export { type PoolWarning, WARNING_CODES } from './warnings.js';
