// Sign-in throttling per account and per address, kept in the control database so it holds across
// console instances: a guesser cannot spread attempts over several of them.
import type { Queryable } from '../../stores/postgres/database.js';

export const THROTTLE_WINDOW_MINUTES = 15;
/** Failures within the window after which the account refuses sign-ins until the window moves on. */
export const ACCOUNT_FAILURES = 5;
/** Per address, more: an office behind one address has several people mistyping. */
export const ADDRESS_FAILURES = 20;

export interface SignInAttempt {
  account: string;
  address: string;
}

/** Seconds until a sign-in may be tried again, or 0 when it may be tried now. */
export async function throttledFor(db: Queryable, project: string, attempt: SignInAttempt): Promise<number> {
  const { rows } = await db.query<{ wait: number | null }>(
    `with limits(subject, allowed) as (values ($2::text, $4::int), ($3::text, $5::int)),
     recent as (
       select f.subject, f.failed_at, l.allowed,
              row_number() over (partition by f.subject order by f.failed_at desc) as nth
         from launchdb_control.console_login_failures f join limits l using (subject)
        where f.project = $1 and f.failed_at > now() - make_interval(mins => $6)
     )
     select max(ceil(extract(epoch from failed_at + make_interval(mins => $6) - now())))::int as wait
       from recent where nth = allowed`,
    [
      project,
      `account:${attempt.account}`,
      `address:${attempt.address}`,
      ACCOUNT_FAILURES,
      ADDRESS_FAILURES,
      THROTTLE_WINDOW_MINUTES,
    ],
  );
  return Math.max(0, rows[0]?.wait ?? 0);
}

export async function recordFailure(db: Queryable, project: string, attempt: SignInAttempt): Promise<void> {
  await db.query(
    `insert into launchdb_control.console_login_failures (project, subject)
     values ($1, $2), ($1, $3)`,
    [project, `account:${attempt.account}`, `address:${attempt.address}`],
  );
  // Old failures count for nothing: keep the table small.
  await db.query(
    `delete from launchdb_control.console_login_failures
      where project = $1 and failed_at < now() - make_interval(mins => $2)`,
    [project, THROTTLE_WINDOW_MINUTES * 2],
  );
}

/** A successful sign-in forgets the account's failures (not the address's). */
export async function clearAccountFailures(db: Queryable, project: string, account: string): Promise<void> {
  await db.query(`delete from launchdb_control.console_login_failures where project = $1 and subject = $2`, [
    project,
    `account:${account}`,
  ]);
}
