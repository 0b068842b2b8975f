// Console sessions: a random token in an HttpOnly cookie, only its sha256 in the control database.
// A session ends after 30 idle minutes or 12 hours in all, whichever comes first, on the database's
// clock (so every console instance agrees).
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../stores/postgres/database.js';
import type { Role } from './roles.js';

export const IDLE_LIMIT_MINUTES = 30;
export const ABSOLUTE_LIMIT_HOURS = 12;
/** A typed password allows changes to a guarded environment for this long. */
export const REAUTH_MINUTES = 5;

export interface Session {
  account: string;
  role: Role;
  createdAt: Date;
  /** The password was typed again within REAUTH_MINUTES. */
  recentlyAuthenticated: boolean;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Starts a session for `account`; the token goes in the cookie and nowhere else. */
export async function createSession(db: Queryable, project: string, account: string): Promise<string> {
  const token = newToken();
  await db.query(
    `insert into launchdb_control.console_sessions (token_hash, project, account, reauthenticated_at)
     values ($1, $2, $3, now())`,
    [tokenHash(token), project, account],
  );
  return token;
}

const LIVE = `s.last_seen_at > now() - make_interval(mins => ${IDLE_LIMIT_MINUTES})
          and s.created_at > now() - make_interval(hours => ${ABSOLUTE_LIMIT_HOURS})`;

/** The live session of `token` (its last-seen time moved on), or undefined for an unknown, idle or too old token. */
export async function readSession(
  db: Queryable,
  project: string,
  token: string,
): Promise<Session | undefined> {
  const hash = tokenHash(token);
  return (await readSessions(db, project, [hash], [hash])).get(hash);
}

/**
 * The live sessions among `hashes`, in one statement however many: a console with many viewers
 * re-reads all it holds at once. The last-seen time of those in `used` moves on (at most once a
 * minute, to spare writes); a session only held, not used, idles out as it should.
 */
export async function readSessions(
  db: Queryable,
  project: string,
  hashes: readonly string[],
  used: readonly string[],
): Promise<Map<string, Session>> {
  if (hashes.length === 0) return new Map();
  const { rows } = await db.query<{
    token_hash: string;
    account: string;
    role: Role;
    created_at: Date | string;
    recent: boolean;
  }>(
    `with live as (
       select s.token_hash, s.account, a.role, s.created_at,
              coalesce(s.reauthenticated_at > now() - make_interval(mins => ${REAUTH_MINUTES}), false) as recent
         from launchdb_control.console_sessions s
         join launchdb_control.console_accounts a on a.project = s.project and a.name = s.account
        where s.project = $1 and s.token_hash = any($2::text[]) and ${LIVE}
     ), touched as (
       update launchdb_control.console_sessions
          set last_seen_at = now()
        where project = $1 and token_hash = any($3::text[])
          and token_hash in (select token_hash from live)
          and last_seen_at < now() - interval '1 minute'
     )
     select * from live`,
    [project, hashes, used],
  );
  return new Map(
    rows.map((row) => [
      row.token_hash,
      {
        account: row.account,
        role: row.role,
        createdAt: new Date(row.created_at),
        recentlyAuthenticated: row.recent,
      },
    ]),
  );
}

export async function endSession(db: Queryable, project: string, token: string): Promise<void> {
  await db.query(`delete from launchdb_control.console_sessions where token_hash = $1 and project = $2`, [
    tokenHash(token),
    project,
  ]);
}
