// Progress of a backup or a restore on stderr: for people a line a second at most (tables, bytes,
// rate, time left); with --json one JSON line per finished table, for programs.
import type { TableProgress } from '../backup/table-progress.js';
import { formatBytes, formatDuration } from './backup-context.js';
import type { Io } from './io.js';

/** `verb` says what happens to the bytes: "read", "loaded". */
export function progressReport(io: Io, json: boolean, verb: string): (progress: TableProgress) => void {
  const started = performance.now();
  let printed = started;
  return (progress) => {
    const { table, rows, bytes, done, total, rawBytes, share } = progress;
    if (json) {
      if (progress.complete) io.err(`${JSON.stringify({ table, rows, bytes, done, total })}\n`);
      return;
    }
    const last = done === total;
    if (!last && performance.now() - printed < 1000) return;
    printed = performance.now();
    const seconds = (printed - started) / 1000;
    const rate = rawBytes / Math.max(seconds, 0.001);
    // Time left, from the share of the work done so far.
    const left =
      !last && share > 0 ? `, about ${formatDuration(((1 - share) / share) * seconds * 1000)} left` : '';
    io.err(
      io.style(
        'dim',
        `  ${done}/${total} tables, ${formatBytes(rawBytes)} ${verb}, ${formatBytes(rate)}/s${left}\n`,
      ),
    );
  };
}
