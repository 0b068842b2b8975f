// A background worker: its own pool, named `<project>:worker` in pg_stat_activity, sized by
// `launchdb pool plan` (LAUNCHDB_POOL_MAX) so jobs cannot take every connection from user traffic.
import { createPool, QueryTimeoutError } from 'launchdb/pool';

const pool = createPool({
  kind: 'worker',
  // Jobs may run longer statements than requests; still bounded, so a stuck one fails clearly.
  statementTimeout: 60_000,
});

let stopping = false;

/** Claims one pending job and runs it in a transaction; false when there was none. */
async function runOne() {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query(
      `select id, kind, payload from jobs where status = 'pending'
       order by created_at limit 1 for update skip locked`,
    );
    const job = rows[0];
    if (!job) {
      await client.query('commit');
      return false;
    }
    await perform(client, job);
    await client.query("update jobs set status = 'done', finished_at = now() where id = $1", [job.id]);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    if (error instanceof QueryTimeoutError) console.warn(`job gave up: ${error.message}`);
    else throw error;
    return true;
  } finally {
    client.release();
  }
}

async function perform(client, job) {
  if (job.kind === 'recount') {
    await client.query(
      'update accounts set order_count = (select count(*) from orders where account_id = $1) where id = $1',
      [job.payload.accountId],
    );
  }
}

async function main() {
  while (!stopping) {
    const worked = await runOne();
    if (!worked) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  // Let the job in hand finish (up to 30 s), then close the connections.
  await pool.end({ timeoutMs: 30_000 });
}

process.on('SIGTERM', () => {
  stopping = true;
});

await main();
