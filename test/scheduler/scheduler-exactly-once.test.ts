// Three `launchdb scheduler run` processes on one control database and a one-second cron: over 60
// consecutive slots each slot is claimed once and run once, by one of the three, as job_runs and the
// three logs both show. The job is `access expire` on a server environment: a real command that
// finishes well within its second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, until } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
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

const SLOTS = 60;

describe.skipIf(!serverAvailable)('three schedulers, one control database', () => {
  const control = uniqueName('ldbsc');
  let project: SchedulerProject;
  let schedulers: RunningScheduler[] = [];

  beforeAll(async () => {
    await adminQuery(`create database ${control}`);
    project = schedulerProject();
    project.configure({
      environments: { staging: { postgres: { adminUrl: SERVER_URL } } },
      control: { url: serverUrlFor(control) },
      scheduler: { jobs: [{ job: 'access-expire', env: 'staging', cron: '* * * * * *' }] },
    });
    const attached = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
    expect(attached.code, attached.stderr).toBe(0);
  });

  afterAll(async () => {
    await stopSchedulers(schedulers);
    await dropProvisioned(project.name, 'staging');
    await adminQuery(`drop database if exists ${control} with (force)`);
    project?.remove();
  });

  it('runs each of 60 one-second slots exactly once, by one of the three', async () => {
    schedulers = await Promise.all([1, 2, 3].map(() => startScheduler(project.dir)));
    const ids = schedulers.map((scheduler) => scheduler.id);
    // The window opens a few seconds after all three are up, once each has its next child loaded.
    const first = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
    const last = new Date(first.getTime() + (SLOTS - 1) * 1000);
    await until(async () => {
      const rows = await jobRuns(control, project.name);
      return rows.some((row) => row.slot.getTime() === last.getTime() && row.result !== null);
    }, 120_000);
    expect(await stopSchedulers(schedulers)).toEqual([0, 0, 0]);

    const inWindow = (slot: Date) => slot >= first && slot <= last;
    const rows = (await jobRuns(control, project.name)).filter((row) => inWindow(row.slot));
    const logs = schedulers.map((scheduler) => scheduler.output());
    const context = `${JSON.stringify(rows.filter((row) => row.result !== 'ok'))}\n${logs.join('\n----\n')}`;
    expect(
      rows.map((row) => row.slot.getTime()),
      context,
    ).toEqual(Array.from({ length: SLOTS }, (_, i) => first.getTime() + i * 1000));
    for (const row of rows) {
      expect(row, context).toMatchObject({ result: 'ok', exit_code: 0, attempts: 1, error: null });
      expect(ids, context).toContain(row.claimed_by);
    }
    // The logs agree: 60 "ran" lines in all, one per slot, each in the log of the claimer.
    const ran = logs.flatMap((log, i) =>
      ranLines(log)
        .filter((line) => inWindow(new Date(line.slot)))
        .map((line) => ({ ...line, by: ids[i] })),
    );
    expect(ran, context).toHaveLength(SLOTS);
    expect(new Set(ran.map((line) => line.slot)).size).toBe(SLOTS);
    for (const line of ran) {
      expect(line.how).toBe('ok');
      const row = rows.find((each) => each.slot.toISOString() === line.slot);
      expect(row?.claimed_by).toBe(line.by);
    }
    // Each scheduler ended cleanly: stopped_at set, and no claim left running.
    const { rows: registered } = await adminQuery(
      `select id, stopped_at from launchdb_control.schedulers where project = $1`,
      [project.name],
      control,
    );
    expect(registered.map((row) => row.id).sort()).toEqual([...ids].sort());
    for (const row of registered) expect(row.stopped_at).not.toBeNull();
  }, 180_000);
});
