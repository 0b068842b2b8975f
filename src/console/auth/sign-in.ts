// Signing in: throttled per account and address, one generic answer for a wrong name or password,
// and a fresh session token on success (a session is never carried over from before sign-in).
import type { Queryable } from '../../stores/postgres/database.js';
import { findAccount } from './accounts.js';
import { verifyPassword } from './password.js';
import type { Role } from './roles.js';
import { createSession } from './sessions.js';
import { clearAccountFailures, recordFailure, type SignInAttempt, throttledFor } from './throttle.js';

export type SignInOutcome =
  | { ok: true; token: string; account: string; role: Role }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'throttled'; retryAfterS: number };

export async function signIn(
  db: Queryable,
  project: string,
  attempt: SignInAttempt & { password: string },
): Promise<SignInOutcome> {
  const wait = await throttledFor(db, project, attempt);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterS: wait };
  const account = await findAccount(db, project, attempt.account);
  if (!(await verifyPassword(account?.passwordHash, attempt.password)) || !account) {
    await recordFailure(db, project, attempt);
    return { ok: false, reason: 'wrong' };
  }
  await clearAccountFailures(db, project, account.name);
  const token = await createSession(db, project, account.name);
  return { ok: true, token, account: account.name, role: account.role };
}
