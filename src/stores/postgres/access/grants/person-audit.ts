// pgAudit for people, not for the app: where the server loads pgAudit, a personal role gets
// `pgaudit.log` set on itself, so what the person writes, changes in the schema or does to roles
// goes to the server log as AUDIT lines, SET ROLE or not, while the app's traffic does not.
import type { Queryable } from '../../database.js';
import { quoteIdent, quoteLiteral } from '../../sql-quote.js';

export interface PersonAudit {
  /** pgAudit is loaded on the server (`shared_preload_libraries`). */
  loaded: boolean;
  /** `pgaudit.log` was set on the role: the classes logged. */
  log?: string;
  /** Why it could not be set, when loaded. */
  problem?: string;
}

/** The classes a person's statements are logged for: `write, ddl, role`, and `read` when asked. */
export function personAuditClasses(read: boolean): string {
  return read ? 'read, write, ddl, role' : 'write, ddl, role';
}

/** Whether the server has pgAudit loaded: its settings exist only then. */
export async function pgauditLoaded(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ loaded: boolean }>(
    `select exists (select 1 from pg_settings where name = 'pgaudit.log') as loaded`,
  );
  return rows[0]?.loaded === true;
}

/**
 * Sets `pgaudit.log` on `role` inside the caller's transaction. A superuser-only setting: an admin
 * without the right gets the reason back, and the grant goes on (the output says the person is not
 * audited) rather than failing the whole grant.
 */
export async function auditPerson(tx: Queryable, role: string, read: boolean): Promise<PersonAudit> {
  if (!(await pgauditLoaded(tx))) return { loaded: false };
  const log = personAuditClasses(read);
  await tx.query('savepoint launchdb_pgaudit');
  try {
    await tx.query(`alter role ${quoteIdent(role)} set pgaudit.log = ${quoteLiteral(log)}`);
    await tx.query('release savepoint launchdb_pgaudit');
    return { loaded: true, log };
  } catch (error) {
    await tx.query('rollback to savepoint launchdb_pgaudit');
    return { loaded: true, problem: (error as Error).message };
  }
}

/** One line on what the server audits of this person. */
export function describePersonAudit(audit: PersonAudit, person: string): string {
  if (!audit.loaded) {
    return `pgAudit is not loaded on this server (shared_preload_libraries): what ${person} does is not audited by the server, only launchdb's own actions are`;
  }
  if (audit.log)
    return `pgAudit logs ${person}'s ${audit.log} statements (pgaudit.log on the role; the app is not audited)`;
  return `pgAudit is loaded, but pgaudit.log could not be set on the role (${audit.problem}): what ${person} does is not audited`;
}
