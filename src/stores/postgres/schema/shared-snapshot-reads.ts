// Read-only work spread over a few sessions of one server database that all see one snapshot.
import type { Connection, PostgresDatabase, Queryable } from '../database.js';

/** One piece of the work, run on whichever session is free; its result lands at its index. */
export type SessionRead<Result> = (session: Queryable) => Promise<Result>;

/**
 * Runs `reads` in one repeatable-read, read-only transaction on `db`, spread over up to `sessions`
 * connections: the first exports its snapshot and every other imports it before its first read, so
 * all of them see the database at one instant, as one session would. `setup` runs first in each
 * transaction (session settings). The first session does not wait for the others: one that gets a
 * connection only after the work is taken does nothing, and one that cannot import the snapshot
 * gives its read back. `reads` come in the order to start them: the longest first.
 */
export async function readOnSharedSnapshot<Result>(
  db: PostgresDatabase,
  setup: string,
  reads: readonly SessionRead<Result>[],
  sessions: number,
): Promise<Result[]> {
  const results: Result[] = new Array(reads.length);
  const queue = reads.map((_, index) => index);
  let failure: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();

  const run = async (index: number, session: Queryable) => {
    try {
      results[index] = await reads[index]!(session);
    } catch (error) {
      failure ??= { error };
      queue.length = 0;
    }
  };

  const follow = (snapshot: string) =>
    db
      .withConnection(async (session) => {
        let begun = false;
        try {
          for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
            let settle = () => {};
            const item = new Promise<void>((resolve) => {
              settle = resolve;
            });
            running.add(item);
            try {
              if (!begun) {
                try {
                  await begin(session, `set transaction snapshot '${snapshot}'; ${setup}`);
                  begun = true;
                } catch {
                  await session.query('rollback').catch(() => {});
                  queue.unshift(index); // the first session reads it instead
                  return;
                }
              }
              await run(index, session);
            } finally {
              running.delete(item);
              settle();
            }
          }
        } finally {
          if (begun) await session.query('commit').catch(() => {});
        }
      })
      .catch(() => {}); // a connection had after the pool closed: there was nothing left to do

  return db.withConnection(async (leader: Connection) => {
    await begin(leader, '');
    try {
      const snapshot = sessions > 1 ? await exportSnapshot(leader) : undefined;
      if (snapshot) for (let i = 1; i < Math.min(sessions, reads.length); i++) void follow(snapshot);
      await leader.query(setup);
      for (;;) {
        const index = queue.shift();
        if (index !== undefined) await run(index, leader);
        else if (running.size > 0) await Promise.race(running);
        else break;
      }
    } finally {
      await leader.query('commit').catch(() => {});
    }
    if (failure) throw failure.error;
    return results;
  });
}

/** The leader's snapshot for the others to import; undefined (its transaction begun again) when the server refuses. */
async function exportSnapshot(leader: Queryable): Promise<string | undefined> {
  try {
    const { rows } = await leader.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    return rows[0]?.snapshot;
  } catch {
    await leader.query('rollback');
    await begin(leader, '');
    return undefined;
  }
}

async function begin(session: Queryable, then: string): Promise<void> {
  await session.query(`begin isolation level repeatable read, read only; ${then}`);
}
