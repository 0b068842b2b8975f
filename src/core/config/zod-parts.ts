// Config value shapes shared by the config's sections: env('NAME'), whole numbers in a range, names.
import { z } from 'zod';
import { describeRange, inRange, type NumberRange, TIMEOUT_MS } from '../ranges.js';
import { isEnvRef } from './env-ref.js';

export const envRef = z.custom((value) => isEnvRef(value), { message: "expected env('NAME')" });

/** A whole number in `range`; the message names the range and the value given. */
export function wholeNumber(range: NumberRange) {
  return z.number().refine((value) => inRange(value, range), {
    error: (issue) => `expected a whole number from ${describeRange(range)}, got ${issue.input}`,
  });
}

/** A time limit in ms, as Node's timers take them. */
export const millis = wholeNumber(TIMEOUT_MS);

/** A name that becomes part of a database or role name: no quoting needed. */
export const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, {
  message: 'expected lowercase letters, digits and _, starting with a letter',
});
