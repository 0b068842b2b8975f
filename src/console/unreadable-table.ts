// The line a tab shows when the role the console reads as may not read one of launchdb's tables:
// which table, which role, and the grant that lets it; the rest of the tab is still shown.
import type { Queryable } from '../stores/postgres/database.js';
import { quoteIdent } from '../stores/postgres/sql-quote.js';

export async function unreadableTable(db: Queryable, table: string, what: string): Promise<string> {
  const { rows } = await db.query<{ role: string }>('select current_user::text as role');
  const role = rows[0]?.role ?? 'this role';
  return `reading ${what} needs SELECT on ${table}, which ${role} does not have: grant select on ${table} to ${quoteIdent(role)}`;
}
