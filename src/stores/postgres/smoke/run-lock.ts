// A smoke run's lock: held on a session of its own for the whole run, so the next run can tell a run
// under way (its lock held) from one that was killed (its session, and its lock, gone).
import type { PostgresDatabase } from '../database.js';

/** Advisory lock class of smoke runs: 'ldbk'; the key is the run id, hashed. */
export const RUN_LOCK_CLASS = 0x6c64626b;

/** Runs `fn` holding the run's lock on one connection of `owner`, released when it ends. */
export function withRunLock<T>(owner: PostgresDatabase, runId: string, fn: () => Promise<T>): Promise<T> {
  return owner.withConnection(async (session) => {
    await session.query('select pg_advisory_lock($1, hashtext($2))', [RUN_LOCK_CLASS, runId]);
    try {
      return await fn();
    } finally {
      await session
        .query('select pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK_CLASS, runId])
        .catch(() => {});
    }
  });
}
