// One timer per pool, not one per query: a sweep expires callers waiting past connectTimeout and
// statements running past the queryTimeout backstop. A timer per query costs more than the rest of
// the pool's bookkeeping together; a sweep costs nothing per query.
import type pg from 'pg';
import { type PendingItem, poolInternals } from './internals.js';

/** pg-pool's own message for an expired wait; acquire-errors.ts turns it into PoolExhaustedError. */
export const WAIT_EXPIRED = 'timeout exceeded when trying to connect';

/** Sweeps come this often: a twentieth of the shortest limit, within bounds. */
const TICK = { divisor: 20, min: 5, max: 250 };

export interface DeadlineLimits {
  connectTimeout: number;
  queryTimeout: number;
}

/**
 * Starts the sweeps; returns the stop function. A wait or a statement is timed from the first
 * sweep that sees it, so each limit fires between its value and its value plus two ticks.
 */
export function startDeadlines(pool: pg.Pool, limits: DeadlineLimits): () => void {
  const shortest = Math.min(...[limits.connectTimeout, limits.queryTimeout].filter((ms) => ms > 0));
  if (!Number.isFinite(shortest)) return () => {};
  const tick = Math.max(TICK.min, Math.min(TICK.max, Math.floor(shortest / TICK.divisor)));
  const timer = setInterval(() => sweep(pool, limits, performance.now()), tick);
  timer.unref();
  return () => clearInterval(timer);
}

function sweep(pool: pg.Pool, limits: DeadlineLimits, now: number): void {
  const { _pendingQueue: waiting, _clients: clients } = poolInternals(pool);
  if (limits.connectTimeout > 0 && waiting && waiting.length > 0) {
    expireWaits(waiting, limits.connectTimeout, now);
  }
  if (limits.queryTimeout > 0 && clients) {
    for (const client of clients) client.expireStatements(limits.queryTimeout, now);
  }
}

function expireWaits(waiting: PendingItem[], limit: number, now: number): void {
  const expired: PendingItem[] = [];
  for (const item of waiting) {
    if (item.seenAt === undefined) item.seenAt = now;
    else if (now - item.seenAt >= limit) expired.push(item);
  }
  for (const item of expired) {
    waiting.splice(waiting.indexOf(item), 1);
    item.timedOut = true;
    item.callback(new Error(WAIT_EXPIRED));
  }
}
