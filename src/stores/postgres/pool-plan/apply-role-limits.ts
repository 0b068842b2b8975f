// `pool plan --apply`: the planned connection limits set on the environment's roles, all or none.
import { UnreachableError } from '../../../core/errors.js';
import type { PostgresDatabase } from '../database.js';
import { quoteIdent } from '../sql-quote.js';
import type { PlannedRole } from './environment-plan.js';

const INSUFFICIENT_PRIVILEGE = '42501';

export interface AppliedLimit {
  role: string;
  /** The limit before; null for none. */
  from: number | null;
  to: number;
}

/** Sets each role whose action is `set`, in one transaction; `where` names the server in errors. */
export async function applyRoleLimits(
  admin: PostgresDatabase,
  roles: readonly PlannedRole[],
  where: string,
): Promise<AppliedLimit[]> {
  const changes = roles.filter((role) => role.action === 'set');
  if (changes.length === 0) return [];
  try {
    await admin.transaction(async (tx) => {
      for (const change of changes) {
        // A planned limit is a whole number computed by launchdb, never user text.
        await tx.query(
          `alter role ${quoteIdent(change.role)} connection limit ${Math.trunc(change.planned)}`,
        );
      }
    });
  } catch (error) {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
    throw new UnreachableError(
      `the admin user may not change connection limits at ${where}: ${(error as Error).message}; nothing was changed`,
      {
        cause: error,
        fix: 'use an admin URL of a superuser, or of a role with CREATEROLE (and, from Postgres 16, ADMIN OPTION on these roles)',
      },
    );
  }
  return changes.map((change) => ({ role: change.role, from: change.current, to: change.planned }));
}
