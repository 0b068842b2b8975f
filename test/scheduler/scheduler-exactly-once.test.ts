// Three `launchdb scheduler run` processes on one control database and a one-second cron: over 60
// consecutive slots each slot is claimed once and run once, by one of the three, as job_runs and the
// three logs both show. The job is `access expire` on a server environment: a real command that
// finishes well within its second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, serverAvailable, uniqueName } from '../helpers/databases.js';
import {
  expectEachSlotRanOnce,
  runSlotWindow,
  type ServerSchedulerProject,
  serverSchedulerProject,
} from '../helpers/scheduler.js';

const SLOTS = 60;

describe.skipIf(!serverAvailable)('three schedulers, one control database', () => {
  const control = uniqueName('ldbsc');
  let project: ServerSchedulerProject;

  beforeAll(async () => {
    project = await serverSchedulerProject(control, {
      jobs: [{ job: 'access-expire', env: 'staging', cron: '* * * * * *' }],
    });
  });

  afterAll(async () => {
    await project?.drop();
  });

  it('runs each of 60 one-second slots exactly once, by one of the three', async () => {
    const where = { dir: project.dir, control, project: project.name };
    const window = await runSlotWindow(where, 3, SLOTS, 120_000);
    expect(window.exitCodes).toEqual([0, 0, 0]);
    const failed = window.rows.filter((row) => row.result !== 'ok');
    expectEachSlotRanOnce(window, `${JSON.stringify(failed)}\n${window.logs.join('\n----\n')}`);
    // Each scheduler ended cleanly: stopped_at set, and no claim left running.
    const { rows: registered } = await adminQuery(
      `select id, stopped_at from launchdb_control.schedulers where project = $1`,
      [project.name],
      control,
    );
    expect(registered.map((row) => row.id).sort()).toEqual([...window.ids].sort());
    for (const row of registered) expect(row.stopped_at).not.toBeNull();
  }, 180_000);
});
