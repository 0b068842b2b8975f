// The few private fields of pg-pool and pg.Client the pool reads, in one place, typed.
// They are what pg's own timers use (pg-pool 3, pg 8); reading them keeps per-query work at zero.
import type pg from 'pg';
import type { LaunchdbClient } from './pool-client.js';

/** A caller waiting for a connection. */
export interface PendingItem {
  callback: (error: Error | undefined, client?: pg.PoolClient, done?: () => void) => void;
  /** Set when its wait expired: pg-pool then never hands it a client. */
  timedOut?: boolean;
  /** When a sweep first saw it waiting (`performance.now()`). */
  seenAt?: number;
}

interface PoolInternals {
  _clients?: LaunchdbClient[];
  _idle?: { client: LaunchdbClient }[];
  _pendingQueue?: PendingItem[];
}

export interface ClientInternals {
  /** True until the server has accepted the session. */
  _connecting: boolean;
  _activeQuery: pg.Query | null;
  _queryQueue: pg.Query[];
}

export function poolInternals(pool: pg.Pool): PoolInternals {
  return pool as unknown as PoolInternals;
}

export function clientInternals(client: pg.Client): ClientInternals {
  return client as unknown as ClientInternals;
}

/** The clients lent out and not yet released; read only when something goes wrong or at a sweep. */
export function checkedOutClients(pool: pg.Pool): LaunchdbClient[] {
  const { _clients: clients = [], _idle: idle = [] } = poolInternals(pool);
  const idleClients = new Set(idle.map((item) => item.client));
  return clients.filter((client) => !idleClients.has(client));
}
