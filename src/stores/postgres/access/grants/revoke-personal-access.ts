// `access revoke`: a person's access ends now, whatever its expiry — shut out, sessions ended, what
// the role owned handed to launchdb_orphans, the role dropped (end-personal-role.ts). Approved
// requests for that person are recorded as revoked with the shut-out, so a drop kept by leftovers
// elsewhere still leaves the record saying the access ended.
import { personalRoleName } from '../../provision/roles.js';
import type { AccessAdmin } from './access-admin.js';
import { endApprovedRequests } from './access-requests.js';
import { inAccessTransaction } from './access-transaction.js';
import { type Leftover, shutOut, terminateAndDrop } from './end-personal-role.js';

export interface Revocation {
  location: string;
  role: string;
  person: string;
  /** Sessions of the role that were ended. */
  sessionsEnded: number;
  /** False when leftovers kept it: it can no longer log in, but it still exists. */
  dropped: boolean;
  leftovers: Leftover[];
  /** The approved requests whose access this ended. */
  requests: number[];
}

/** Undefined when the person has no personal role in `database`: nothing to revoke, nothing changed. */
export async function revokePersonalAccess(
  admin: AccessAdmin,
  database: string,
  person: string,
): Promise<Revocation | undefined> {
  const role = personalRoleName(database, person);
  const shut = await inAccessTransaction(admin.db, async (tx) => {
    if (!(await shutOut(tx, role))) return undefined;
    return { requests: await endApprovedRequests(tx, person, 'revoked') };
  });
  if (!shut) return undefined;
  const ending = await terminateAndDrop(admin.db, role);
  return {
    location: admin.location,
    role,
    person,
    sessionsEnded: ending.sessionsEnded,
    dropped: ending.dropped,
    leftovers: ending.dropped ? [] : ending.leftovers,
    requests: shut.requests,
  };
}
