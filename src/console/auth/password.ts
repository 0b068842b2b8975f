// Console passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as PHC
// strings so parameters can rise later without breaking old hashes.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

const ARGON2ID = 2;
const OWASP = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shorter passwords are refused: a console reaches production data. */
export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OWASP);
}

/**
 * True when `password` matches `stored`. With no account (`stored` undefined) it still spends the time
 * of a verification, so a wrong name and a wrong password cannot be told apart by timing.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  let matches: boolean;
  try {
    matches = await verify(stored ?? (await unknownAccountHash()), password);
  } catch {
    return false;
  }
  return stored !== undefined && matches;
}

let dummy: Promise<string> | undefined;
function unknownAccountHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummy;
}
