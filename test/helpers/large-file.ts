// Large generated files for the bounded-memory tests, written a megabyte at a time.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MB = 1024 * 1024;

/**
 * A heap the CLI fits in (it needs about 24 MB for a small seed) while reading any of the files whole
 * overflows it: an 8 MB CSV parsed into rows, a 16 MB JSON of many small objects parsed, or the keys of an 8 MB file of short
 * rows held in a Set each overflow it even in a bare node, before the CLI's own share. Not smaller: in a
 * heap near its floor the CLI spends most of its time collecting garbage (48 MB took 4 to 7 times the
 * CPU of 64 MB for the same seed).
 */
export const SMALL_HEAP_MB = 64;
export const SMALL_HEAP = { NODE_OPTIONS: `--max-old-space-size=${SMALL_HEAP_MB}` };

/** Writes `head`, `line(i)` for i = 0, 1, … until the file holds `mb` MB, then `tail`; returns the number of lines. */
export function writeLines(
  path: string,
  mb: number,
  line: (i: number) => string,
  head = '',
  tail = '',
): number {
  mkdirSync(join(path, '..'), { recursive: true });
  const fd = openSync(path, 'w');
  let buffer = head;
  let size = 0;
  let lines = 0;
  while (size + buffer.length < mb * MB) {
    buffer += line(lines++);
    if (buffer.length < MB) continue;
    writeSync(fd, buffer);
    size += buffer.length;
    buffer = '';
  }
  writeSync(fd, buffer + tail);
  closeSync(fd);
  return lines;
}
