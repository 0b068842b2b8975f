// A smoke run's id: unique, recognisable in any column it lands in (an email's local part, a
// reference), and safe in URLs, SQL literals and regular expressions.
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/**
 * A run id inside any text, as a token of its own: `smoke-` and exactly 10 letters or digits, so a
 * product slug such as `smoke-detectors-2024` is not one.
 */
export const RUN_ID_TOKEN = /(?<![0-9a-z])smoke-[0-9a-z]{10}(?![0-9a-z])/g;

/** `smoke-` and 10 lowercase letters or digits (51 bits). */
export function newRunId(): string {
  let id = 'smoke-';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
