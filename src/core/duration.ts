// Durations as people type them on the command line: `30m`, `12h`, `7d`, `2w`. Strict: one positive
// whole number and one unit, nothing else, so `7 days`, `1.5h`, `-7d` or `0d` are bad input.
import { UsageError } from './errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^([1-9][0-9]{0,6})(s|m|h|d|w)$/;

/** Milliseconds of `text`; bad input naming `flag` when it is not a duration or exceeds `maxMs`. */
export function parseDuration(text: string, flag: string, options: { maxMs?: number } = {}): number {
  const match = DURATION.exec(text);
  if (!match) {
    throw new UsageError(`${flag} ${text} is not a duration`, {
      fix: `write a whole number and a unit: 30m, 12h, 7d or 2w (s, m, h, d, w)`,
    });
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (options.maxMs !== undefined && ms > options.maxMs) {
    throw new UsageError(
      `${flag} ${text} is longer than the most allowed (${describeDuration(options.maxMs)})`,
    );
  }
  return ms;
}

/** `7d`, `12h`, `90s`: the largest unit that divides `ms` whole. */
export function describeDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
