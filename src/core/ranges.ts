// The ranges of the numbers launchdb accepts, shared by flags and the config, so both refuse the same values.

export interface NumberRange {
  min: number;
  max: number;
  /** Shown after the range: `ms`. */
  unit?: string;
}

/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days): a longer one fires after 1 ms with a
 * warning. Postgres' timeouts (`statement_timeout`, `lock_timeout`, …) are ints of ms too.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timeout or a wait: at least 1 ms. */
export const TIMEOUT_MS: NumberRange = { min: 1, max: MAX_TIMER_MS, unit: 'ms' };

/** A timeout where 0 means none (or, for a lock wait, one try). */
export const TIMEOUT_OR_ZERO_MS: NumberRange = { min: 0, max: MAX_TIMER_MS, unit: 'ms' };

/** A port to listen on; 0 asks the system for a free one. */
export const LISTEN_PORT: NumberRange = { min: 0, max: 65_535 };

/** A port written into another program's config: a real one. */
export const FIXED_PORT: NumberRange = { min: 1, max: 65_535 };

/** Tables copied at once: each is a connection on the server. */
export const WORKERS: NumberRange = { min: 1, max: 16 };

/** Rows read per table: Postgres' int range. */
export const ROWS_PER_TABLE: NumberRange = { min: 1, max: 2 ** 31 - 1 };

/** A role's connection limit: Postgres never allows more than 262143 connections (MAX_BACKENDS). */
export const CONNECTION_LIMIT: NumberRange = { min: 1, max: 262_143 };

/** `1 to 65535`, `1 to 2147483647 ms`: how a range reads in messages and help. */
export function describeRange(range: NumberRange): string {
  return `${range.min} to ${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}

/** True for a whole number inside the range. */
export function inRange(value: number, range: NumberRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}
