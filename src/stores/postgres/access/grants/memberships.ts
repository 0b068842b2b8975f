// A personal role's rights are memberships in the environment's own roles, never copied grants:
// read is the read-only role's, write the app role's, admin the owner's — but only after a deliberate
// `SET ROLE`, so owner power is never had by accident.
import type { RoleKind } from '../../provision/roles.js';
import { quoteIdent } from '../../sql-quote.js';
import type { AccessLevel } from '../personal-role.js';

/** The environment's role each level is a member of. */
export const GROUP_OF_LEVEL: Record<AccessLevel, RoleKind> = {
  read: 'readonly',
  write: 'app',
  admin: 'owner',
};

/** Postgres 16 gives each membership its own INHERIT and SET options. */
const OPTIONS_PER_GRANT = 160_000;

/**
 * The role's INHERIT attribute: NOINHERIT for admin, which is all that keeps owner power behind
 * SET ROLE on Postgres 15; on 16 the grant says it too.
 */
export function inheritAttribute(level: AccessLevel): 'inherit' | 'noinherit' {
  return level === 'admin' ? 'noinherit' : 'inherit';
}

/**
 * `grant <group> to <member>`: on Postgres 16+ with the options spelled out (read and write inherit
 * and may not SET ROLE to the app's roles; admin does not inherit and may SET ROLE to the owner).
 */
export function membershipGrant(
  level: AccessLevel,
  group: string,
  member: string,
  versionNum: number,
): string {
  const grant = `grant ${quoteIdent(group)} to ${quoteIdent(member)}`;
  if (versionNum < OPTIONS_PER_GRANT) return grant;
  return level === 'admin'
    ? `${grant} with inherit false, set true`
    : `${grant} with inherit true, set false`;
}
