// How far a backup or a restore has come, reported as its tables go through.

export interface TableProgress {
  table: string;
  /** True on the report that finishes the table: all its parts are through. */
  complete: boolean;
  /** Rows and COPY-text bytes of the table through so far (all of them once complete). */
  rows: number;
  bytes: number;
  /** Tables complete, of `total`. */
  done: number;
  total: number;
  /** COPY-text bytes of every table through so far. */
  rawBytes: number;
  /** The share of the work done, from 0 to 1. */
  share: number;
}

/** Counts the parts of `total` tables as they go through, in any order, and makes the reports. */
export class TableTally {
  private readonly seen = new Map<string, { left: number; rows: number; bytes: number }>();
  private done = 0;
  private rawBytes = 0;
  private share = 0;

  constructor(private readonly total: number) {}

  /** One part of `table` (which has `parts` in all) is through; `weight` is its share of the work. */
  part(table: string, parts: number, rows: number, bytes: number, weight: number): TableProgress {
    const entry = this.seen.get(table) ?? { left: parts, rows: 0, bytes: 0 };
    entry.left--;
    entry.rows += rows;
    entry.bytes += bytes;
    this.seen.set(table, entry);
    const complete = entry.left <= 0;
    if (complete) this.done++;
    this.rawBytes += bytes;
    this.share = Math.min(1, this.share + weight);
    return {
      table,
      complete,
      rows: entry.rows,
      bytes: entry.bytes,
      done: this.done,
      total: this.total,
      rawBytes: this.rawBytes,
      share: this.share,
    };
  }
}
