// createPool's options, resolved in one place: the option, else the environment variable, else the default.
import type pg from 'pg';
import { DEFAULT_ROLE_SETTINGS } from '../stores/postgres/role-defaults.js';
import { projectName } from './project-name.js';

/** The environment variables createPool reads; `launchdb pool plan` prints the ones to set per process. */
export const POOL_ENV = {
  url: 'DATABASE_URL',
  max: 'LAUNCHDB_POOL_MAX',
  kind: 'LAUNCHDB_PROCESS_KIND',
  project: 'LAUNCHDB_PROJECT',
  /** `pgbouncer` when a PgBouncer in transaction mode sits in front (the config's `connections.pooler`). */
  pooler: 'LAUNCHDB_POOLER',
} as const;

/** Conservative on purpose: a first launch should fail a slow query clearly rather than wait on it. */
export const POOL_DEFAULTS = {
  max: 5,
  connectTimeout: 5_000,
  idleTimeout: 10_000,
  // The provisioned app role's own defaults, so the pool and the role agree.
  statementTimeout: DEFAULT_ROLE_SETTINGS.statementTimeout,
  idleInTransactionTimeout: DEFAULT_ROLE_SETTINGS.idleInTransactionTimeout,
  lockTimeout: DEFAULT_ROLE_SETTINGS.lockTimeout,
  /** The client-side backstop fires this long after the server's statement_timeout should have. */
  queryTimeoutMargin: 1_000,
  kind: 'web',
} as const;

/** `web`, `worker`, `cron` or any other lowercase name: the part after `:` in application_name. */
const PROCESS_KIND = /^[a-z][a-z0-9_-]*$/;

/** What pg takes that createPool sets itself, from the options below. */
type SetByLaunchdb =
  | 'max'
  | 'connectionString'
  | 'connectionTimeoutMillis'
  | 'idleTimeoutMillis'
  | 'statement_timeout'
  | 'lock_timeout'
  | 'idle_in_transaction_session_timeout'
  | 'query_timeout'
  | 'application_name'
  | 'Client';

/** createPool's options; times in milliseconds. Anything else is passed to `pg.Pool` as is. */
export interface PoolOptions extends Omit<pg.PoolConfig, SetByLaunchdb> {
  /** The database URL. Default: `DATABASE_URL`. */
  url?: string;
  /** Most connections the pool opens. Default: `LAUNCHDB_POOL_MAX` (from `launchdb pool plan`), else 5. */
  max?: number;
  /** How long acquiring a connection may wait, for a free one or a new one. Default 5000. */
  connectTimeout?: number;
  /** An idle connection is closed after this long. Default 10000. */
  idleTimeout?: number;
  /** `statement_timeout` of each connection. Default 15000; 0 sets none (the role's applies). */
  statementTimeout?: number;
  /** `idle_in_transaction_session_timeout` of each connection. Default 60000; 0 sets none. */
  idleInTransactionTimeout?: number;
  /** `lock_timeout` of each connection. Default 5000; 0 sets none. */
  lockTimeout?: number;
  /**
   * The client-side backstop: a query with no answer after this long is rejected and cancelled, even
   * when the server's statement_timeout is off. Default `statementTimeout + 1000`; 0 turns it off.
   */
  queryTimeout?: number;
  /** The process kind: `web`, `worker`, `cron`, or any lowercase name. Default: `LAUNCHDB_PROCESS_KIND`, else `web`. */
  kind?: string;
  /**
   * The project, for application_name `<project>:<kind>`. Default: `LAUNCHDB_PROJECT`, else the
   * `project` of launchdb.config in the working directory, else package.json's `name`.
   */
  project?: string;
  /**
   * A PgBouncer in transaction mode is in front: no startup settings (it rejects them; the app role's
   * settings apply), the client-side backstop only, and named statements sent unnamed. Default: a
   * `pgbouncer=true` URL parameter or `LAUNCHDB_POOLER=pgbouncer`.
   */
  pgbouncer?: boolean;
}

/** The options with every default applied; the URL is kept apart because it may hold a password. */
export interface PoolSettings {
  max: number;
  connectTimeout: number;
  idleTimeout: number;
  statementTimeout: number;
  idleInTransactionTimeout: number;
  lockTimeout: number;
  queryTimeout: number;
  kind: string;
  project: string;
  applicationName: string;
  pgbouncer: boolean;
}

export interface ResolvedPoolOptions {
  url: URL;
  settings: PoolSettings;
  /** The options pg takes that launchdb does not set. */
  passthrough: Omit<pg.PoolConfig, SetByLaunchdb>;
}

export function resolvePoolOptions(
  options: PoolOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedPoolOptions {
  const {
    url: urlOption,
    max,
    connectTimeout,
    idleTimeout,
    statementTimeout,
    idleInTransactionTimeout,
    lockTimeout,
    queryTimeout,
    kind: kindOption,
    project: projectOption,
    pgbouncer,
    ...passthrough
  } = options;
  const url = databaseUrl(urlOption ?? env[POOL_ENV.url]);
  const kind = kindOption ?? (env[POOL_ENV.kind] || POOL_DEFAULTS.kind);
  if (!PROCESS_KIND.test(kind)) {
    const from = kindOption === undefined ? POOL_ENV.kind : 'kind';
    throw new TypeError(
      `createPool: ${from} must be a lowercase name such as web, worker or cron, got ${JSON.stringify(kind)}`,
    );
  }
  const project = projectOption ?? (env[POOL_ENV.project] || projectName());
  const statement = time('statementTimeout', statementTimeout, POOL_DEFAULTS.statementTimeout);
  const settings: PoolSettings = {
    max: max === undefined ? maxFromEnv(env) : whole('max', max, 1),
    connectTimeout: time('connectTimeout', connectTimeout, POOL_DEFAULTS.connectTimeout),
    idleTimeout: time('idleTimeout', idleTimeout, POOL_DEFAULTS.idleTimeout),
    statementTimeout: statement,
    idleInTransactionTimeout: time(
      'idleInTransactionTimeout',
      idleInTransactionTimeout,
      POOL_DEFAULTS.idleInTransactionTimeout,
    ),
    lockTimeout: time('lockTimeout', lockTimeout, POOL_DEFAULTS.lockTimeout),
    queryTimeout: time(
      'queryTimeout',
      queryTimeout,
      statement > 0 ? statement + POOL_DEFAULTS.queryTimeoutMargin : 0,
    ),
    kind,
    project,
    applicationName: `${project}:${kind}`,
    pgbouncer:
      pgbouncer ??
      (url.searchParams.get('pgbouncer') === 'true' || env[POOL_ENV.pooler]?.toLowerCase() === 'pgbouncer'),
  };
  return { url, settings, passthrough };
}

function databaseUrl(value: string | undefined): URL {
  if (!value) {
    throw new TypeError(`createPool: no database URL: set ${POOL_ENV.url} or pass { url }`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echo the value: it may hold a password.
    throw new TypeError('createPool: the database URL does not parse: expected postgres://user@host:port/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TypeError(`createPool: the database URL must start with postgres://, got ${url.protocol}//`);
  }
  return url;
}

function maxFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env[POOL_ENV.max];
  if (!value) return POOL_DEFAULTS.max;
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError(
      `createPool: ${POOL_ENV.max} must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
    );
  }
  return max;
}

function time(name: string, value: number | undefined, fallback: number): number {
  return value === undefined ? fallback : whole(name, value, 0);
}

function whole(name: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least) {
    throw new TypeError(`createPool: ${name} must be a whole number ≥ ${least}, got ${value}`);
  }
  return value;
}
