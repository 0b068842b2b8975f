// `access expire`: ends every personal role of the database whose time is up, by the server's clock.
// VALID UNTIL alone only refuses new password logins and ends no session; this takes LOGIN away,
// ends the sessions and drops the role (end-personal-role.ts). Idempotent and cheap when nothing is
// due, so a scheduler can run it every few minutes; a role a leftover keeps is retried each run.
import { personalAccessOf } from '../personal-role.js';
import type { AccessAdmin } from './access-admin.js';
import { endLapsedApprovals, settleExpiredRequests } from './access-requests.js';
import { inAccessTransaction, serverNow } from './access-transaction.js';
import { type Leftover, shutOut, terminateAndDrop } from './end-personal-role.js';

export interface ExpiredRole {
  role: string;
  person: string;
  /** When its access ended (ISO), from its COMMENT, else its VALID UNTIL. */
  expired: string;
  sessionsEnded: number;
  dropped: boolean;
  leftovers: Leftover[];
}

export interface Expiry {
  location: string;
  /** The server's time the run judged by (ISO). */
  now: string;
  roles: ExpiredRole[];
  /** Pending requests whose own time to live passed, now recorded as expired. */
  requestsLapsed: number[];
  /** Approved requests whose access time is up, now recorded as ended. */
  accessEnded: number[];
}

interface Candidate {
  name: string;
  comment: string | null;
  valid_until: Date | null;
}

export async function expirePersonalAccess(admin: AccessAdmin, database: string): Promise<Expiry> {
  const due = await inAccessTransaction(admin.db, async (tx) => {
    const now = await serverNow(tx);
    const { rows } = await tx.query<Candidate>(
      `select rolname::text as name, shobj_description(oid, 'pg_authid') as comment,
              case when rolvaliduntil = 'infinity' then null else rolvaliduntil end as valid_until
         from pg_roles where starts_with(rolname, $1)`,
      [`${database}_p_`],
    );
    const expired = rows.flatMap((row) => {
      const personal = personalAccessOf(database, {
        name: row.name,
        comment: row.comment,
        validUntil: row.valid_until ? new Date(row.valid_until) : null,
      });
      return personal?.expires && personal.expires.getTime() <= now.getTime()
        ? [{ role: row.name, person: personal.person, expired: personal.expires.toISOString() }]
        : [];
    });
    for (const role of expired) await shutOut(tx, role.role);
    return {
      now,
      expired,
      requestsLapsed: await settleExpiredRequests(tx),
      accessEnded: await endLapsedApprovals(tx),
    };
  });
  const roles: ExpiredRole[] = [];
  for (const role of due.expired) {
    const ending = await terminateAndDrop(admin.db, role.role);
    roles.push({
      ...role,
      sessionsEnded: ending.sessionsEnded,
      dropped: ending.dropped,
      leftovers: ending.dropped ? [] : ending.leftovers,
    });
  }
  return {
    location: admin.location,
    now: due.now.toISOString(),
    roles,
    requestsLapsed: due.requestsLapsed,
    accessEnded: due.accessEnded,
  };
}
