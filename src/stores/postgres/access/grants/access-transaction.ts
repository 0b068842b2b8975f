// Changes to personal access take turns, per database: a grant, an approval, a revoke and an expiry
// run one at a time, each re-reading what it changes once it holds the lock, so two runs at once
// (a scheduler's `access expire` beside a person's revoke) never both act on one role.
import type { Connection, PostgresDatabase } from '../../database.js';

/** Two int4 keys: 'ldbp' and 1 — launchdb's personal access, in this database. */
const ACCESS_LOCK = [0x6c646270, 1] as const;

/** Runs `fn` in one transaction that holds the access lock until it ends. */
export function inAccessTransaction<T>(db: PostgresDatabase, fn: (tx: Connection) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, $2)', [...ACCESS_LOCK]);
    return fn(tx);
  });
}

/** The transaction's start, by the server's clock: access is timed by the clock that enforces it. */
export async function serverNow(tx: Connection): Promise<Date> {
  const { rows } = await tx.query<{ now: Date }>('select now() as now');
  return new Date(rows[0]!.now);
}
