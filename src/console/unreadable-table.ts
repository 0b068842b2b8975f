// The line a tab shows when the role the console reads as may not read one of launchdb's tables:
// which table, which role, and the grant that lets it; the rest of the tab is still shown.
import { currentRole } from '../stores/postgres/current-role.js';
import type { Queryable } from '../stores/postgres/database.js';
import { quoteIdent } from '../stores/postgres/sql-quote.js';
import { tableAccess } from '../stores/postgres/table-access.js';

export async function unreadableTable(db: Queryable, table: string, what: string): Promise<string> {
  const role = await currentRole(db);
  return `reading ${what} needs SELECT on ${table}, which ${role} does not have: grant select on ${table} to ${quoteIdent(role)}`;
}

/** Throws that line when the role may not read `table`, for a part of a tab that reads only it. */
export async function requireReadable(db: Queryable, table: string, what: string): Promise<void> {
  if ((await tableAccess(db, table)) === 'unreadable')
    throw new Error(await unreadableTable(db, table, what));
}
