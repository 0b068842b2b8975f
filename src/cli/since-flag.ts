// `--since AGE|DATE`, as `audit list` and `history` take it: an age back from now (30m, 12h, 7d, 2w)
// or a date (2026-01-31, 2026-01-31T09:30:00Z); anything else is bad input.
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';

export function sinceOf(text: string, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = new Date(text);
    if (
      Number.isNaN(at.getTime()) ||
      !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)
    ) {
      throw new UsageError(`--since ${text} is not a date`, {
        fix: 'write a date as 2026-01-31 or 2026-01-31T09:30:00Z, or an age as 7d',
      });
    }
    return at;
  }
  const at = new Date(now.getTime() - parseDuration(text, '--since'));
  if (Number.isNaN(at.getTime())) throw new UsageError(`--since ${text} reaches before any date there is`);
  return at;
}
