// The scheduler behind a real PgBouncer in transaction pooling mode (what `pool pgbouncer`
// recommends): its claims, heartbeats and finishes keep nothing beyond one transaction, so three
// schedulers sharing the pooler still run each one-second slot exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, until } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, uniqueName } from '../helpers/databases.js';
import { PGBOUNCER, startTransactionPgbouncer, type TransactionPgbouncer } from '../helpers/pgbouncer.js';
import {
  dropProvisioned,
  jobRuns,
  type RunningScheduler,
  ranLines,
  type SchedulerProject,
  schedulerProject,
  startScheduler,
  stopSchedulers,
} from '../helpers/scheduler.js';

const SLOTS = 15;

describe.skipIf(!serverAvailable || !PGBOUNCER)('schedulers through PgBouncer in transaction mode', () => {
  const control = uniqueName('ldbsc');
  let bouncer: TransactionPgbouncer;
  let project: SchedulerProject;
  let schedulers: RunningScheduler[] = [];

  beforeAll(async () => {
    await adminQuery(`create database ${control}`);
    bouncer = await startTransactionPgbouncer(control, { maxClientConn: 40 });
    project = schedulerProject();
    project.configure({
      environments: { staging: { postgres: { adminUrl: SERVER_URL } } },
      control: { url: bouncer.url },
      scheduler: { jobs: [{ job: 'access-expire', env: 'staging', cron: '* * * * * *' }] },
    });
    const attached = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
    expect(attached.code, attached.stderr).toBe(0);
  });

  afterAll(async () => {
    await stopSchedulers(schedulers);
    await bouncer?.stop();
    await dropProvisioned(project.name, 'staging');
    await adminQuery(`drop database if exists ${control} with (force)`);
    project?.remove();
  });

  it('runs each of 15 one-second slots exactly once', async () => {
    schedulers = await Promise.all([1, 2, 3].map(() => startScheduler(project.dir)));
    const ids = schedulers.map((scheduler) => scheduler.id);
    const first = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
    const last = new Date(first.getTime() + (SLOTS - 1) * 1000);
    await until(async () => {
      const rows = await jobRuns(control, project.name);
      return rows.some((row) => row.slot.getTime() === last.getTime() && row.result !== null);
    }, 90_000);
    expect(await stopSchedulers(schedulers)).toEqual([0, 0, 0]);

    const inWindow = (slot: Date) => slot >= first && slot <= last;
    const rows = (await jobRuns(control, project.name)).filter((row) => inWindow(row.slot));
    const logs = schedulers.map((scheduler) => scheduler.output());
    const context = `${logs.join('\n----\n')}\n--- pgbouncer ---\n${bouncer.log()}`;
    expect(rows, context).toHaveLength(SLOTS);
    for (const row of rows) {
      expect(row, context).toMatchObject({ result: 'ok', exit_code: 0, attempts: 1 });
      expect(ids).toContain(row.claimed_by);
    }
    const ran = logs.flatMap((log) => ranLines(log).filter((line) => inWindow(new Date(line.slot))));
    expect(ran, context).toHaveLength(SLOTS);
    expect(new Set(ran.map((line) => line.slot)).size).toBe(SLOTS);
    expect(logs.join('\n'), context).not.toMatch(/could not (claim|renew|record|look)/);
  }, 150_000);
});
