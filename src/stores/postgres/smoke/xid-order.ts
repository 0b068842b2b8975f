// Whether a row was written after a moment, told by the transaction id that wrote it.
//
// A row's `xmin` is 32 bits and wraps around every 2^32 transactions; the moment is kept as the
// 64-bit `pg_snapshot_xmax` of a snapshot then (the first transaction id not yet finished). Plain
// `xmin >= marker` is wrong across a wrap, and a mod-2^32 "newer than" is wrong for a row frozen long
// ago whose raw xmin comes round again. So a row counts only when its xmin falls in the window of
// transaction ids handed out since the moment: from the marker up to the reading snapshot's xmax,
// both known exactly in 64 bits. That window is a few thousand ids for a smoke run; an old row can
// only land in it by coincidence after billions of transactions.

const WRAP = '4294967296';
/** Ids 0–2 are invalid, bootstrap and frozen: never a transaction that ran. */
const FIRST_NORMAL_XID = 3;

/**
 * A SQL condition: the `xid` expression `xmin` was assigned at or after the `xid8` expression
 * `marker` and before the `xid8` expression `now` (default: the current snapshot's xmax).
 */
export function writtenSince(
  xmin: string,
  marker: string,
  now = 'pg_snapshot_xmax(pg_current_snapshot())',
): string {
  const raw = `(${xmin})::text::int8`;
  const distance = `((${raw} - (${marker})::text::int8 % ${WRAP}) % ${WRAP} + ${WRAP}) % ${WRAP}`;
  const window = `((${now})::text::int8 - (${marker})::text::int8)`;
  return `(${raw} >= ${FIRST_NORMAL_XID} and ${distance} < ${window})`;
}
