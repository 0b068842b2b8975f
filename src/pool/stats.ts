// pool.stats(): the pool's counts and how long acquiring a connection took lately, as percentiles.

export interface AcquireWait {
  /** Percentiles of the wait for a connection, in ms, over the acquisitions in the window. */
  p50: number;
  p95: number;
  p99: number;
  /** Acquisitions counted: those of the last `windowMs`, at most the most recent 10,000. */
  samples: number;
  windowMs: number;
}

export interface PoolStats {
  max: number;
  /** Connections open, idle or checked out. */
  total: number;
  idle: number;
  checkedOut: number;
  /** Callers waiting for a connection. */
  waiting: number;
  acquireWait: AcquireWait;
  /** Statements stopped by a timeout since the pool was created. */
  queryTimeouts: number;
  /** Acquisitions that failed because the pool stayed full past connectTimeout. */
  exhausted: number;
}

const CAPACITY = 10_000;
const WINDOW_MS = 60_000;

/** A ring of recent waits: recording is two array writes; sorting happens only when stats are read. */
export class AcquireWaits {
  readonly #waits = new Float64Array(CAPACITY);
  readonly #at = new Float64Array(CAPACITY);
  #next = 0;
  #size = 0;

  record(waitMs: number, now: number): void {
    this.#waits[this.#next] = waitMs;
    this.#at[this.#next] = now;
    this.#next = this.#next === CAPACITY - 1 ? 0 : this.#next + 1;
    if (this.#size < CAPACITY) this.#size++;
  }

  summary(now: number): AcquireWait {
    const recent: number[] = [];
    for (let i = 0; i < this.#size; i++) {
      if (now - this.#at[i]! <= WINDOW_MS) recent.push(this.#waits[i]!);
    }
    const sorted = Float64Array.from(recent).sort();
    return {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      samples: sorted.length,
      windowMs: WINDOW_MS,
    };
  }
}

/** Nearest-rank percentile, rounded to 0.01 ms; 0 with no samples. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return Math.round(value * 100) / 100;
}
