// The role this session acts as (after SET ROLE, the role set): who a page says it read as, and whom
// a missing grant is for.
import type { Queryable } from './database.js';

export async function currentRole(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ role: string }>('select current_user::text as role');
  return rows[0]!.role;
}
