// pool.end({ timeoutMs }): stop lending connections, let running statements finish, then cut off the rest.
import type pg from 'pg';
import { cancelRunningStatement } from './cancel.js';
import { checkedOutClients, poolInternals } from './internals.js';
import type { LaunchdbClient } from './pool-client.js';

export interface EndOptions {
  /** How long running statements may take to finish before they are cancelled, in ms. Default 10000. */
  timeoutMs?: number;
}

export const DEFAULT_END_TIMEOUT = 10_000;

/**
 * `end` is pg's own: it closes idle connections and each busy one as it is released. Past the time
 * limit, each still checked out is cancelled and closed; returns how many were.
 */
export async function endGracefully(
  pool: pg.Pool,
  end: () => Promise<void>,
  { timeoutMs = DEFAULT_END_TIMEOUT }: EndOptions = {},
): Promise<number> {
  const ended = end();
  refuseWaiting(pool);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const first = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (first !== 'late') return 0;
  const busy = checkedOutClients(pool);
  for (const client of busy) terminate(client);
  await ended;
  return busy.length;
}

/** pg-pool lends nothing once ending, so callers already waiting would wait for nothing: tell them now. */
function refuseWaiting(pool: pg.Pool): void {
  const waiting = poolInternals(pool)._pendingQueue;
  for (const item of waiting?.splice(0) ?? []) {
    item.timedOut = true;
    item.callback(new Error('Cannot use a pool after calling end on the pool'));
  }
}

function terminate(client: LaunchdbClient): void {
  cancelRunningStatement(client);
  const release = (client as unknown as pg.PoolClient).release;
  // The app still holds the client and will release it when its statement fails: make that a no-op,
  // not pg's "released twice" throw.
  (client as unknown as pg.PoolClient).release = () => {};
  release(new Error('the pool ended before this client was released'));
  client.connection.stream.destroy();
}
