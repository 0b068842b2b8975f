// `since` as `audit list` and `history` take it (--since) and the console's filters: an age back from
// now (30m, 12h, 7d, 2w) or a date (2026-01-31, 2026-01-31T09:30:00Z); anything else is bad input
// naming `name`, the flag or field it came from.
import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';

export function sinceOf(text: string, now: Date, name = '--since'): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = new Date(text);
    if (
      Number.isNaN(at.getTime()) ||
      !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)
    ) {
      throw new UsageError(`${name} ${text} is not a date`, {
        fix: 'write a date as 2026-01-31 or 2026-01-31T09:30:00Z, or an age as 7d',
      });
    }
    return at;
  }
  const at = new Date(now.getTime() - parseDuration(text, name));
  if (Number.isNaN(at.getTime())) throw new UsageError(`${name} ${text} reaches before any date there is`);
  return at;
}
