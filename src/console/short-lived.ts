// A cheap result kept for a moment: under many viewers the console reads the control database once
// every few seconds, not once per page view. Concurrent misses share one load, and a value just past
// its time is served while its fresh copy loads (for at most one more ttl), so viewers never all
// wait on the database at the same instant. (Sessions have their own: auth/session-cache.ts.)

interface Entry<T> {
  /** When the value was asked for (performance.now()). */
  at: number;
  value: Promise<T>;
  /** The value has arrived: it may be served while a fresh copy loads. */
  settled: boolean;
  refreshing?: boolean;
}

/** The kept value: fresh, stale but servable (refreshing), or to load and wait for. */
class Slot<T> {
  private entry: Entry<T> | undefined;

  constructor(private readonly ttlMs: number) {}

  get(load: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const entry = this.entry;
    if (entry && now - entry.at <= this.ttlMs) return entry.value;
    if (entry?.settled && now - entry.at <= 2 * this.ttlMs) {
      if (!entry.refreshing) {
        entry.refreshing = true;
        const next = this.start(load, now);
        next.value.then(
          () => {
            if (this.entry === entry) this.entry = next;
          },
          () => {
            entry.refreshing = false;
          },
        );
      }
      return entry.value;
    }
    this.entry = this.start(load, now);
    return this.entry.value;
  }

  private start(load: () => Promise<T>, now: number): Entry<T> {
    const entry: Entry<T> = { at: now, value: load(), settled: false };
    entry.value.then(
      () => {
        entry.settled = true;
      },
      () => {
        if (this.entry === entry) this.entry = undefined;
      },
    );
    return entry;
  }
}

/** A value loaded at most once per `ttlMs`; a load that fails is not kept. */
export function shortLived<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  const slot = new Slot<T>(ttlMs);
  return () => slot.get(load);
}
