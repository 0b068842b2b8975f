// The password typed again before a change to a guarded environment: checked as a sign-in is
// (throttled per account and address, failures counted), and on success the session may change
// guarded environments for REAUTH_MINUTES.
import type { Queryable } from '../../stores/postgres/database.js';
import { findAccount } from './accounts.js';
import { verifyPassword } from './password.js';
import { tokenHash } from './sessions.js';
import { clearAccountFailures, recordFailure, throttledFor } from './throttle.js';

export type ReauthOutcome =
  | { ok: true }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'throttled'; retryAfterS: number };

export async function reauthenticate(
  db: Queryable,
  project: string,
  attempt: { account: string; token: string; password: string; address: string },
): Promise<ReauthOutcome> {
  const wait = await throttledFor(db, project, attempt);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterS: wait };
  const account = await findAccount(db, project, attempt.account);
  if (!account || !(await verifyPassword(account.passwordHash, attempt.password))) {
    await recordFailure(db, project, attempt);
    return { ok: false, reason: 'wrong' };
  }
  await clearAccountFailures(db, project, account.name);
  await db.query(
    `update launchdb_control.console_sessions set reauthenticated_at = now()
      where project = $1 and token_hash = $2`,
    [project, tokenHash(attempt.token)],
  );
  return { ok: true };
}
