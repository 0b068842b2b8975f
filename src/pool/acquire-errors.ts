// Why acquiring a connection failed, said plainly: the pool stayed full (PoolExhaustedError, naming who
// holds the connections, for how long, doing what), or a new connection could not be made (PoolConnectionError).
import type pg from 'pg';
import { queryLine } from '../stores/postgres/query-line.js';
import { connectionError } from './connection-errors.js';
import { WAIT_EXPIRED } from './deadlines.js';
import { checkedOutClients } from './internals.js';

/** Holders named in the message; the error's `holders` lists them all. */
const NAMED_HOLDERS = 3;

export interface Holder {
  /** How long it has been checked out, in ms. */
  heldMs: number;
  /** The first line of the statement it ran last, or `(none yet)`. */
  statement: string;
}

export class PoolExhaustedError extends Error {
  readonly max: number;
  readonly checkedOut: number;
  /** Other callers still waiting for a connection. */
  readonly waiting: number;
  readonly waitedMs: number;
  /** The checked-out connections, longest held first. */
  readonly holders: Holder[];

  constructor(
    facts: { max: number; checkedOut: number; waiting: number; waitedMs: number; holders: Holder[] },
    cause: Error,
  ) {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const oldest = facts.holders[0];
    const held = facts.holders.slice(0, NAMED_HOLDERS).map((holder) => seconds(holder.heldMs));
    const more = facts.holders.length > NAMED_HOLDERS ? ', …' : '';
    const holding =
      oldest === undefined
        ? `${facts.checkedOut} of ${facts.max} connections checked out`
        : `${facts.checkedOut} of ${facts.max} connections checked out, held for ${held.join(', ')}${more}; the longest last ran "${oldest.statement}"`;
    super(
      `pool exhausted: no connection came free within ${facts.waitedMs} ms: ${holding}; ${facts.waiting} more waiting. ` +
        'Release every client you connect() (client.release() in a finally), keep transactions short, or raise max (LAUNCHDB_POOL_MAX, see launchdb pool plan)',
      { cause },
    );
    this.name = 'PoolExhaustedError';
    this.max = facts.max;
    this.checkedOut = facts.checkedOut;
    this.waiting = facts.waiting;
    this.waitedMs = facts.waitedMs;
    this.holders = facts.holders;
  }
}

/**
 * The error a failed acquisition rejects with: PoolExhaustedError for a full pool, PoolConnectionError
 * when a new connection could not be made, else `error` itself.
 */
export function acquireError(
  pool: pg.Pool,
  error: Error,
  facts: { waitedMs: number; now: number; connectTimeout: number; server: string },
): Error {
  if (error.message !== WAIT_EXPIRED) {
    return connectionError(error, {
      server: facts.server,
      phase: 'connect',
      connectTimeout: facts.connectTimeout,
    });
  }
  // While ending, pg-pool lends nothing: a waiter expiring then was not starved by holders.
  if (pool.ending) return error;
  const holders = checkedOutClients(pool)
    .map((client) => ({
      heldMs: Math.round(facts.now - client.checkedOutAt),
      statement: statementLine(client.lastStatement),
    }))
    .sort((a, b) => b.heldMs - a.heldMs);
  return new PoolExhaustedError(
    {
      max: pool.options.max,
      checkedOut: pool.totalCount - pool.idleCount,
      waiting: pool.waitingCount,
      waitedMs: Math.round(facts.waitedMs),
      holders,
    },
    error,
  );
}

function statementLine(statement: unknown): string {
  const text = typeof statement === 'string' ? statement : (statement as { text?: string } | undefined)?.text;
  return text ? queryLine(text) : '(none yet)';
}
