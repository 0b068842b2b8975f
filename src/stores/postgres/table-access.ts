// Whether this session may read one of launchdb's tables, asked before reading it, so that a role
// without the table, or without SELECT on it, causes no error in the server's log and the reader
// can say which table needs which privilege.
import type { Queryable } from './database.js';

export type TableAccess = 'absent' | 'readable' | 'unreadable';

/** `table` as SQL spells it: `launchdb.smoke_runs`. */
export async function tableAccess(db: Queryable, table: string): Promise<TableAccess> {
  const { rows } = await db.query<{ exists: boolean; readable: boolean }>(
    `select to_regclass($1::text) is not null as exists,
            coalesce(has_table_privilege(to_regclass($1::text), 'SELECT'), false) as readable`,
    [table],
  );
  if (!rows[0]?.exists) return 'absent';
  return rows[0].readable ? 'readable' : 'unreadable';
}
