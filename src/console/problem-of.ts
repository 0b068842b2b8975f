// What went wrong reading something for a page, as the one line the page shows: the message and,
// when the core names one, its fix. The console's pages say why, never a stack trace.
import { isLaunchdbError } from '../core/errors.js';
import { redactText } from '../core/redact.js';

/** A part of a page that was read, or in one line why it could not be. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export function problemOf(error: unknown): string {
  const fix = isLaunchdbError(error) && error.fix ? `: ${error.fix}` : '';
  return redactText(`${oneLine(error)}${fix}`);
}

/** A message listing several problems (`2 bad seed files:` then one a line) kept whole, on one line. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/:\n\s*/g, ': ').replace(/\n\s*/g, '; ');
}

/**
 * The work's result, or the problem the core reported (bad input, a statement that cannot run yet),
 * so one part of a page failing leaves the others shown. Anything else is not caught here.
 */
export async function attempt<T>(work: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!isLaunchdbError(error)) throw error;
    return { ok: false, reason: problemOf(error) };
  }
}
