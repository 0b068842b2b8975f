// The scheduler behind a real PgBouncer in transaction pooling mode (what `pool pgbouncer`
// recommends): its claims, heartbeats and finishes keep nothing beyond one transaction, so three
// schedulers sharing the pooler still run each one-second slot exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, uniqueName } from '../helpers/databases.js';
import { PGBOUNCER, startTransactionPgbouncer, type TransactionPgbouncer } from '../helpers/pgbouncer.js';
import {
  expectEachSlotRanOnce,
  runSlotWindow,
  type ServerSchedulerProject,
  serverSchedulerProject,
} from '../helpers/scheduler.js';

const SLOTS = 15;

describe.skipIf(!serverAvailable || !PGBOUNCER)('schedulers through PgBouncer in transaction mode', () => {
  const control = uniqueName('ldbsc');
  let bouncer: TransactionPgbouncer;
  let project: ServerSchedulerProject;

  beforeAll(async () => {
    // PgBouncer connects to the control database only once a client does, after it is created.
    bouncer = await startTransactionPgbouncer(control, { maxClientConn: 40 });
    project = await serverSchedulerProject(
      control,
      { jobs: [{ job: 'access-expire', env: 'staging', cron: '* * * * * *' }] },
      bouncer.url,
    );
  });

  afterAll(async () => {
    await bouncer?.stop();
    await project?.drop();
  });

  it('runs each of 15 one-second slots exactly once', async () => {
    const where = { dir: project.dir, control, project: project.name };
    const window = await runSlotWindow(where, 3, SLOTS, 90_000);
    expect(window.exitCodes).toEqual([0, 0, 0]);
    const context = `${window.logs.join('\n----\n')}\n--- pgbouncer ---\n${bouncer.log()}`;
    expectEachSlotRanOnce(window, context);
    expect(window.logs.join('\n'), context).not.toMatch(/could not (claim|renew|record|look)/);
  }, 150_000);
});
