// Large generated files for the bounded-memory tests, written a megabyte at a time.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MB = 1024 * 1024;

/** A heap the CLI fits in while the files are many times larger; reading any of them whole overflows it. */
export const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=96' };

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
