// The pg.Pool config createPool's resolved options become: startup settings and the client class.
import type pg from 'pg';
import { describeUrl } from '../stores/postgres/connection-url.js';
import type { ResolvedPoolOptions } from './options.js';
import { CLIENT_SETTINGS, type ClientSettings, LaunchdbClient, type PoolCounters } from './pool-client.js';

export function pgPoolConfig(
  { url, settings, passthrough }: ResolvedPoolOptions,
  counters: PoolCounters,
): pg.PoolConfig {
  const connectionString = new URL(url);
  // launchdb's own parameter (Prisma's spelling); the server would reject it as a setting.
  connectionString.searchParams.delete('pgbouncer');
  const clientSettings: ClientSettings = {
    server: describeUrl(url.toString()),
    limits: {
      statementTimeout: settings.statementTimeout,
      lockTimeout: settings.lockTimeout,
      idleInTransactionTimeout: settings.idleInTransactionTimeout,
      queryTimeout: settings.queryTimeout,
      sessionSettings: !settings.pgbouncer,
    },
    connectTimeout: settings.connectTimeout,
    unnamedStatements: settings.pgbouncer,
    counters,
  };
  return {
    ...passthrough,
    connectionString: connectionString.toString(),
    max: settings.max,
    // No pg-pool timer per acquisition: the pool's sweep (deadlines.ts) and the client's own connect limit.
    connectionTimeoutMillis: 0,
    idleTimeoutMillis: settings.idleTimeout,
    application_name: settings.applicationName,
    // Sent in the startup packet, so no statement is spent on them; pg leaves out a 0. PgBouncer
    // refuses unknown startup parameters: behind it, the role's settings apply.
    ...(settings.pgbouncer
      ? {}
      : {
          statement_timeout: settings.statementTimeout,
          lock_timeout: settings.lockTimeout,
          idle_in_transaction_session_timeout: settings.idleInTransactionTimeout,
        }),
    Client: LaunchdbClient as unknown as pg.PoolConfig['Client'],
    [CLIENT_SETTINGS]: clientSettings,
  } as pg.PoolConfig;
}
