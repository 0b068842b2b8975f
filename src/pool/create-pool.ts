// createPool: a pg.Pool with conservative limits, named connections, timeouts that name themselves,
// an exhaustion error that names the holders, stats, a health probe and a graceful end.
import pg from 'pg';
import { redactText } from '../core/redact.js';
import { describeUrl } from '../stores/postgres/connection-url.js';
import { acquireError, PoolExhaustedError } from './acquire-errors.js';
import { startDeadlines } from './deadlines.js';
import { type EndOptions, endGracefully } from './graceful-end.js';
import { type HealthOptions, type PoolHealth, probe } from './health.js';
import {
  type PoolOptions,
  type PoolSettings,
  type ResolvedPoolOptions,
  resolvePoolOptions,
} from './options.js';
import { pgPoolConfig } from './pg-config.js';
import type { LaunchdbClient, PoolCounters } from './pool-client.js';
import { databaseKey, duplicateWarning, registerPool, unregisterPool } from './registry.js';
import { AcquireWaits, type PoolStats } from './stats.js';
import { emitProcessWarning, poolWarning, WARNING_CODES } from './warnings.js';

type ConnectCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * Returns a `pg.Pool` (the same `query`, `connect()` + `release()` and events) for `DATABASE_URL` or
 * `options.url`, created once per process at module scope.
 * @example const pool = createPool({ kind: 'worker' }); await pool.query('select 1');
 */
export function createPool(options?: PoolOptions): LaunchdbPool {
  return new LaunchdbPool(resolvePoolOptions(options));
}

export class LaunchdbPool extends pg.Pool {
  /** The resolved options: limits, kind, application_name (never the URL, which may hold a password). */
  readonly settings: Readonly<PoolSettings>;
  /** `host:port/database`. */
  readonly database: string;
  readonly #key: string;
  readonly #counters: PoolCounters;
  readonly #waits = new AcquireWaits();
  readonly #stopDeadlines: () => void;

  constructor(resolved: ResolvedPoolOptions) {
    const counters: PoolCounters = { queryTimeouts: 0, exhausted: 0 };
    super(pgPoolConfig(resolved, counters));
    this.settings = Object.freeze({ ...resolved.settings });
    this.database = describeUrl(resolved.url.toString());
    this.#counters = counters;
    this.#key = databaseKey(resolved.url);
    this.#stopDeadlines = startDeadlines(this, this.settings);
    const open = registerPool(this.#key);
    if (open > 0) {
      const warning = duplicateWarning(open, this.database, this.settings.applicationName);
      emitProcessWarning(warning);
      // After the caller's `pool.on('warning', …)`, which can only come once createPool has returned.
      process.nextTick(() => this.emit('warning', warning));
    }
    // pg crashes the process when an idle connection fails and nobody listens; say it instead.
    // The error already names the server and what happened (PoolConnectionError).
    this.on('error', (error: Error) => {
      if (this.listenerCount('error') > 1) return;
      emitProcessWarning(
        poolWarning(
          WARNING_CODES.idleError,
          `launchdb pool ${this.settings.applicationName}: an idle connection failed: ${redactText(error.message)}`,
        ),
      );
    });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    if (!callback) {
      return new Promise<pg.PoolClient>((resolve, reject) => {
        this.connect((error, client) => (error ? reject(error) : resolve(client!)));
      }).catch((error: Error) => {
        // As pg does: a stack that leads back to the application rather than to the socket.
        Error.captureStackTrace(error);
        throw error;
      });
    }
    const started = performance.now();
    super.connect((error, client, done) => {
      const now = performance.now();
      if (error) return callback(this.#acquireError(error, now - started, now), client, done);
      const lent = client as unknown as LaunchdbClient;
      lent.checkedOutAt = now;
      lent.lastStatement = undefined;
      this.#waits.record(now - started, now);
      callback(error, client, done);
    });
    return undefined;
  }

  /** Counts, and the acquire-wait percentiles of the last minute. */
  stats(): PoolStats {
    const total = this.totalCount;
    const idle = this.idleCount;
    return {
      max: this.options.max,
      total,
      idle,
      checkedOut: total - idle,
      waiting: this.waitingCount,
      acquireWait: this.#waits.summary(performance.now()),
      queryTimeouts: this.#counters.queryTimeouts,
      exhausted: this.#counters.exhausted,
    };
  }

  /** `select 1` through the pool, for readiness probes: `{ ok, latencyMs, error? }`, never a throw. */
  health(options?: HealthOptions): Promise<PoolHealth> {
    return probe(this, options);
  }

  /**
   * Closes the pool: idle connections now, busy ones as their statements finish; after
   * `timeoutMs` (default 10000) the rest are cancelled and closed, with a 'warning' event.
   */
  override end(): Promise<void>;
  override end(callback: () => void): void;
  override end(options: EndOptions): Promise<void>;
  override end(arg?: EndOptions | (() => void)): Promise<void> | undefined {
    if (this.ending) {
      // pg's own "Called end on pool more than once".
      if (typeof arg !== 'function') return super.end();
      super.end(arg);
      return undefined;
    }
    unregisterPool(this.#key);
    const ended = this.#end(typeof arg === 'function' ? {} : arg);
    if (typeof arg !== 'function') return ended;
    ended.then(arg, arg);
    return undefined;
  }

  async #end(options: EndOptions | undefined): Promise<void> {
    // The sweep keeps timing statements while they finish; it stops with the last connection.
    const cut = await endGracefully(this, () => super.end(), options).finally(this.#stopDeadlines);
    if (cut === 0) return;
    const message = `launchdb pool ${this.settings.applicationName}: ${cut} connection(s) still busy when end() timed out were cancelled and closed`;
    this.emit('warning', poolWarning(WARNING_CODES.endTimeout, message));
  }

  #acquireError(error: Error, waitedMs: number, now: number): Error {
    const { connectTimeout } = this.settings;
    const named = acquireError(this, error, { waitedMs, now, connectTimeout, server: this.database });
    if (named instanceof PoolExhaustedError) this.#counters.exhausted++;
    return named;
  }
}
