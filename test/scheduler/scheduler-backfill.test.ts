// Slots that passed while no scheduler ran: a scheduler that starts finds them after the newest
// recorded slot of each job, records the older ones missed, and runs the latest (catchUp: latest) or
// records it missed too (catchUp: none), saying so in its log. A job with no history has nothing to
// backfill. A scheduler that was asleep (SIGSTOP, as a suspended machine) does the same on waking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import { until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, uniqueName } from '../helpers/databases.js';
import {
  jobRuns,
  type RunningScheduler,
  ranLines,
  type ServerSchedulerProject,
  serverSchedulerProject,
  startScheduler,
  stopSchedulers,
} from '../helpers/scheduler.js';

describe.skipIf(!serverAvailable)('backfill of slots missed while every scheduler was down', () => {
  const control = uniqueName('ldbsc');
  let project: ServerSchedulerProject;
  let scheduler: RunningScheduler | undefined;
  // Whole minutes 8 to 3 before now: the cron names exactly these (hourly), so when the scheduler
  // starts, the newest due slot is minutes old (late), and the next one an hour away.
  const base = Math.floor(Date.now() / 60_000) * 60_000;
  const slot = (minutesAgo: number) => new Date(base - minutesAgo * 60_000);
  const cron = `0 ${[8, 7, 6, 5, 4, 3].map((ago) => slot(ago).getUTCMinutes()).join(',')} * * * *`;

  beforeAll(async () => {
    project = await serverSchedulerProject(control, {
      jobs: [
        { job: 'access-expire', env: 'staging', cron, catchUp: 'latest' },
        { job: 'check', env: 'staging', cron, catchUp: 'none' },
        { job: 'backup', env: 'staging', cron },
      ],
    });
    // Created and migrated, to hold the history written below.
    await (await openControlDatabase(await Project.load(project.dir))).close();
  });

  afterAll(async () => {
    if (scheduler) await stopSchedulers([scheduler]);
    await project?.drop();
  });

  it('records the missed slots and runs the latest by catchUp, logging both', async () => {
    // History: the slot 8 minutes ago ran, for access-expire and check (backup never ran).
    await adminQuery(
      `insert into launchdb_control.job_runs
         (project, job, environment, slot, claimed_by, lease_until, started_at, finished_at, result, exit_code)
       select $1, job, 'staging', $2, 'an-earlier-scheduler', now(), now(), now(), 'ok', 0
         from unnest(array['access-expire', 'check']) as job`,
      [project.name, slot(8).toISOString()],
      control,
    );
    scheduler = await startScheduler(project.dir);
    const ran = `ran access-expire on staging, slot ${slot(3).toISOString()}`;
    await until(() => scheduler!.output().includes(ran), 60_000);
    expect(await stopSchedulers([scheduler])).toEqual([0]);
    const output = scheduler.output();

    const range = `${slot(7).toISOString()} to ${slot(3).toISOString()}`;
    expect(output).toContain(
      `backfill of access-expire on staging: 5 slots due since the newest recorded (${range}): 4 recorded missed, the latest (${slot(3).toISOString()}) runs now (catchUp: latest)`,
    );
    expect(output).toContain(
      `backfill of check on staging: 5 slots due since the newest recorded (${range}): 5 recorded missed, none runs (catchUp: none)`,
    );
    expect(output).toContain(`${ran}, in`);
    expect(output).not.toContain('backfill of backup');

    const rows = await jobRuns(control, project.name);
    const of = (job: string) =>
      rows.filter((row) => row.job === job).map((row) => [row.slot.toISOString(), row.result]);
    const missed = (ago: number) => [slot(ago).toISOString(), 'missed'];
    expect(of('access-expire')).toEqual([
      [slot(8).toISOString(), 'ok'],
      missed(7),
      missed(6),
      missed(5),
      missed(4),
      [slot(3).toISOString(), 'ok'],
    ]);
    expect(of('check')).toEqual([
      [slot(8).toISOString(), 'ok'],
      missed(7),
      missed(6),
      missed(5),
      missed(4),
      missed(3),
    ]);
    expect(of('backup')).toEqual([]);
    const reasons = new Set(rows.filter((row) => row.result === 'missed').map((row) => row.error));
    expect([...reasons]).toEqual([
      'no scheduler ran access-expire on staging at this slot (all were down)',
      'no scheduler ran check on staging at this slot (all were down)',
    ]);
  });

  it('backfills after the scheduler was asleep: the slots it slept through missed, the latest run', async () => {
    await adminQuery('delete from launchdb_control.job_runs where project = $1', [project.name], control);
    project.schedule({ jobs: [{ job: 'access-expire', env: 'staging', cron: '* * * * * *' }] });
    scheduler = await startScheduler(project.dir);
    await until(() => ranLines(scheduler!.output()).length >= 2, 30_000);
    // Asleep, as a suspended machine or a stopped process is: no timer fires for a few slots.
    process.kill(scheduler.child.pid!, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    process.kill(scheduler.child.pid!, 'SIGCONT');
    const pattern =
      /backfill of access-expire on staging: (\d+) slots due since the newest recorded \((\S+) to (\S+)\): (\d+) recorded missed, the latest \((\S+)\) runs, on time/;
    await until(() => pattern.test(scheduler!.output()), 30_000);
    const [, due, from, to, missed, latest] = pattern.exec(scheduler.output())!;
    expect(Number(due)).toBeGreaterThanOrEqual(3);
    expect(Number(missed)).toBe(Number(due) - 1);
    expect(latest).toBe(to);
    await until(() => ranLines(scheduler!.output()).some((line) => line.slot === latest), 30_000);
    expect(await stopSchedulers([scheduler])).toEqual([0]);

    const rows = (await jobRuns(control, project.name)).filter(
      (row) => row.slot >= new Date(from!) && row.slot <= new Date(to!),
    );
    expect(rows.map((row) => row.result)).toEqual([...Array(Number(missed)).fill('missed'), 'ok']);
  });
});
