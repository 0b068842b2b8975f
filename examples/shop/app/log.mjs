// The app's log: one JSON line per event, to stdout and appended to a file, so the smoke test (and an
// operator) can find the evidence of each database write by its id or reference.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * A logger writing to stdout and to `file` (folder created). Each line is appended synchronously, so
 * it is on disk before the response that follows it leaves: whoever saw the response finds the line.
 */
export function createLog(file) {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const write = (level, msg, fields = {}) => {
    const line = `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`;
    process.stdout.write(line);
    appendFileSync(path, line);
  };
  return {
    path,
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** Whole milliseconds since `started` (a `performance.now()`), for the `ms` field. */
export function msSince(started) {
  return Math.round(performance.now() - started);
}
