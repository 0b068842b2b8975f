// A database opened, used and closed within a deadline, for commands that look at many databases at
// once (`env list`, the smoke test's search of other environments): one that does not answer is
// given up on, not waited for.
import type { PostgresDatabase } from './database.js';

/**
 * Opens, runs `use`, closes; `'timeout'` once `ms` have passed. Closing is chained to the opening,
 * so a database that opens after the deadline is still closed. What opening or `use` throws is thrown.
 */
export async function useWithin<T>(
  open: () => Promise<PostgresDatabase>,
  use: (db: PostgresDatabase) => Promise<T>,
  ms: number,
): Promise<T | 'timeout'> {
  const work = open().then(async (db) => {
    try {
      return await use(db);
    } finally {
      await db.close().catch(() => {});
    }
  });
  return within(work, ms);
}

/** `work`, or `'timeout'` once `ms` have passed; what `work` throws in time is thrown. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {}); // lost the race: its failure is nobody's to report
  }
}
