// A smoke run's id: unique, recognisable in any column it lands in (an email's local part, a
// reference), and safe in URLs, SQL literals and regular expressions.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/** Matches a run id inside any text. */
export const RUN_ID_PATTERN = /smoke-[0-9a-z]{10}/g;

/** `smoke-` and 10 lowercase letters or digits (51 bits). */
export function newRunId(): string {
  const bytes = randomBytes(LENGTH);
  let id = 'smoke-';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

export function isRunId(text: string): boolean {
  return /^smoke-[0-9a-z]{10}$/.test(text);
}
