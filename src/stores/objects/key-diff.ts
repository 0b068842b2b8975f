// The keys on one side and not the other, from two streams sorted in byte order, by a merge: one pass,
// memory for the orphans kept as examples only. A bound stops it early: the keys compared are then
// the first `bound` in byte order, and the result says through which key.

export interface KeyDiff {
  /** Keys read from each side (within the bound). */
  compared: { left: number; right: number };
  /** Keys only on the left: their count and the first `examples` of them. */
  leftOnly: { count: number; first: string[] };
  /** Keys only on the right. */
  rightOnly: { count: number; first: string[] };
  /** Set when the bound was reached: the last key compared; keys after it were not read. */
  through?: string;
}

export interface KeyDiffOptions {
  /** Stop once this many distinct keys (both sides together) were compared. Default no bound. */
  bound?: number;
  /** How many orphans of each side to name. Default 20. */
  examples?: number;
}

/** Byte order of the UTF-8 keys: how S3 lists and how Postgres sorts under `collate "C"`. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except where surrogates meet U+E000–U+FFFF.
  if (isBmpBelowSurrogates(a) && isBmpBelowSurrogates(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export async function diffSortedKeys(
  left: AsyncIterable<string>,
  right: AsyncIterable<string>,
  options: KeyDiffOptions = {},
): Promise<KeyDiff> {
  const bound = options.bound ?? Number.POSITIVE_INFINITY;
  const examples = options.examples ?? 20;
  const diff: KeyDiff = {
    compared: { left: 0, right: 0 },
    leftOnly: { count: 0, first: [] },
    rightOnly: { count: 0, first: [] },
  };
  const l = sortedReader(left, 'left');
  const r = sortedReader(right, 'right');
  let a = await l.next();
  let b = await r.next();
  let distinct = 0;
  let last: string | undefined;
  try {
    while ((a !== undefined || b !== undefined) && distinct < bound) {
      const order = a === undefined ? 1 : b === undefined ? -1 : compareKeys(a, b);
      const key = (order <= 0 ? a : b) as string;
      if (order < 0) note(diff.leftOnly, key, examples);
      if (order > 0) note(diff.rightOnly, key, examples);
      if (order <= 0) {
        diff.compared.left++;
        a = await l.next();
      }
      if (order >= 0) {
        diff.compared.right++;
        b = await r.next();
      }
      distinct++;
      last = key;
    }
    // Keys left unread on either side: the comparison covered the range up to `last` only.
    if ((a !== undefined || b !== undefined) && last !== undefined) diff.through = last;
  } finally {
    await Promise.all([l.close(), r.close()]);
  }
  return diff;
}

function note(side: { count: number; first: string[] }, key: string, examples: number): void {
  side.count++;
  if (side.first.length < examples) side.first.push(key);
}

/** A stream that is not in byte order: merging it would report false orphans. */
export class KeyOrderError extends Error {
  constructor(
    readonly side: string,
    readonly key: string,
    readonly previous: string,
  ) {
    super(`the ${side} keys are not in byte order: "${key}" after "${previous}"`);
  }
}

/** Reads a stream's keys one by one, refusing one out of order (a merge would misreport it). */
function sortedReader(keys: AsyncIterable<string>, side: string) {
  const iterator = keys[Symbol.asyncIterator]();
  let previous: string | undefined;
  return {
    async next(): Promise<string | undefined> {
      // Equal neighbours (the same key in two rows) count once.
      for (;;) {
        const step = await iterator.next();
        if (step.done) return undefined;
        const key = step.value;
        if (previous !== undefined) {
          const order = compareKeys(previous, key);
          if (order === 0) continue;
          if (order > 0) throw new KeyOrderError(side, key, previous);
        }
        previous = key;
        return key;
      }
    },
    async close(): Promise<void> {
      await iterator.return?.();
    },
  };
}

function isBmpBelowSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return false;
  return true;
}
