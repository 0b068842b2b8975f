// Reads held to read-only transactions: for a role that could write (the app's), when the caller
// only means to look — a smoke test's SQL steps, the console's pages.
import type { PostgresDatabase, Queryable } from './database.js';

/** Every query in its own read-only transaction, whoever `db` connects as. */
export function readOnly(db: PostgresDatabase): Queryable {
  return {
    query: <Row>(text: string, params?: readonly unknown[]) =>
      db.transaction(async (tx) => {
        await tx.query('set transaction read only');
        return tx.query<Row>(text, params);
      }),
  };
}
