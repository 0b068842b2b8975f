// The first row of a query that always returns one: catalog look-ups and `select … as ok` checks.
import type { Queryable } from '../database.js';

export async function one<Row>(db: Queryable, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query<Row>(sql, params);
  return rows[0]!;
}
