// How scheduled runs end when their scheduler does: kill -9 of the claimer mid-job takes its child
// with it, and another scheduler takes the run over once the lease expires (the backup is taken
// once); SIGTERM lets a running job finish, or past scheduler.grace stops it; Ctrl-C twice stops it
// at once. Each time the run is recorded as it ended and the scheduler as stopped. A run whose
// heartbeat finds it no longer this scheduler's is stopped and left to its new holder.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import {
  childPid,
  cronAt,
  isRunning,
  jobRuns,
  type RunningScheduler,
  type SchedulerProject,
  schedulerProject,
  secondsFromNow,
  startScheduler,
  stopSchedulers,
} from '../helpers/scheduler.js';

describe.skipIf(!serverAvailable)('scheduled runs when their scheduler stops', () => {
  const control = uniqueName('ldbsc');
  const data = uniqueName('ldbsd');
  let project: SchedulerProject;
  const started: RunningScheduler[] = [];
  const backupsDir = () => join(project.dir, '.launchdb', 'backups', 'development');
  const backups = async () => {
    const listed = await runCli(['backup', 'list', '--env', 'development', '--json'], { cwd: project.dir });
    return JSON.parse(listed.stdout).backups as unknown[];
  };
  /** A backup job at one slot a few seconds ahead, with `scheduler` settings; returns the slot. */
  const scheduleBackup = (scheduler: Record<string, unknown> = {}) => {
    const slot = secondsFromNow(4);
    project.configure({
      environments: { development: { postgres: { url: serverUrlFor(data) } } },
      control: { url: serverUrlFor(control) },
      scheduler: { jobs: [{ job: 'backup', env: 'development', cron: cronAt(slot) }], ...scheduler },
    });
    return slot;
  };
  const start = async () => {
    const scheduler = await startScheduler(project.dir);
    started.push(scheduler);
    return scheduler;
  };
  const runOf = async (slot: Date) =>
    (await jobRuns(control, project.name)).find((row) => row.slot.getTime() === slot.getTime());
  /** Waits until `scheduler` runs the backup of `slot` and it is writing its data; returns the child's pid. */
  const backingUp = async (scheduler: RunningScheduler, slot: Date) => {
    let pid: number | undefined;
    await until(() => {
      pid = childPid(scheduler.output(), 'backup on development', slot);
      return pid !== undefined && scheduler.output().includes('| backing up development');
    }, 30_000);
    return pid!;
  };

  beforeAll(async () => {
    await adminQuery(`create database ${control}`);
    await adminQuery(`create database ${data}`);
    // Large enough that a backup takes a few seconds, so each test catches it running.
    await adminQuery(
      `create table public.big (id int primary key, h text, pad text);
       insert into public.big select i, md5(i::text), repeat(md5(i::text), 6) from generate_series(1, 600000) i`,
      [],
      data,
    );
    project = schedulerProject();
    scheduleBackup();
    const attached = await runCli(['attach', 'postgres', '--env', 'development'], { cwd: project.dir });
    expect(attached.code, attached.stderr).toBe(0);
  });

  afterAll(async () => {
    await stopSchedulers(started);
    await adminQuery(`drop database if exists ${control} with (force)`);
    await adminQuery(`drop database if exists ${data} with (force)`);
    project?.remove();
  });

  it('kill -9 of the claimer mid-job: its child stops too, and another scheduler takes the run over', async () => {
    const slot = scheduleBackup({ lease: 3000 });
    const pair = [await start(), await start()];
    let claimer: RunningScheduler | undefined;
    await until(async () => {
      const run = await runOf(slot);
      claimer = pair.find((scheduler) => scheduler.id === run?.claimed_by);
      return claimer !== undefined;
    }, 30_000);
    const other = pair.find((scheduler) => scheduler !== claimer)!;
    const pid = await backingUp(claimer!, slot);
    const partial = () =>
      existsSync(backupsDir()) && readdirSync(backupsDir()).some((name) => name.endsWith('.partial'));
    await until(partial, 30_000);
    claimer!.child.kill('SIGKILL');
    expect(await claimer!.exited).toBeNull();
    // No orphan: the child noticed its scheduler's pipe close and stopped itself.
    await until(() => !isRunning(pid), 15_000);
    expect(partial()).toBe(true);

    await until(async () => (await runOf(slot))?.result != null, 90_000);
    const run = await runOf(slot);
    const context = `${claimer!.output()}\n----\n${other.output()}`;
    expect(run, context).toMatchObject({ result: 'ok', exit_code: 0, attempts: 2, claimed_by: other.id });
    expect(other.output()).toContain(
      `took over ${slot.toISOString()} of backup on development from ${claimer!.id} (its lease expired)`,
    );
    // The backup was taken once: one complete backup, the killed one's leftovers cleaned up.
    expect(await backups()).toHaveLength(1);
    expect(other.output()).toContain('a backup a stopped process left unfinished');
    expect(partial()).toBe(false);
    expect(await stopSchedulers([other])).toEqual([0]);
  });

  it('SIGTERM lets the running job finish, then the scheduler stops', async () => {
    const slot = scheduleBackup();
    const scheduler = await start();
    await backingUp(scheduler, slot);
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exited, scheduler.output()).toBe(0);
    expect(await runOf(slot), scheduler.output()).toMatchObject({ result: 'ok', exit_code: 0, attempts: 1 });
    expect(scheduler.output()).toContain('SIGTERM: stopping; no new runs');
    expect(await backups()).toHaveLength(2);
    await expectStopped(scheduler);
  });

  it('SIGTERM past scheduler.grace stops the job and records it abandoned', async () => {
    const slot = scheduleBackup({ grace: 1000 });
    const scheduler = await start();
    const pid = await backingUp(scheduler, slot);
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exited, scheduler.output()).toBe(0);
    expect(isRunning(pid)).toBe(false);
    const run = await runOf(slot);
    expect(run?.result, scheduler.output()).toBe('abandoned');
    expect(run?.error).toBe(
      'the scheduler was stopped (SIGTERM) and the run was still going after the grace of 1s',
    );
    expect(await backups()).toHaveLength(2);
    await expectStopped(scheduler);
  });

  it('Ctrl-C twice stops the job at once: recorded abandoned, no backup shown complete', async () => {
    const slot = scheduleBackup();
    const scheduler = await start();
    const pid = await backingUp(scheduler, slot);
    scheduler.child.kill('SIGINT');
    await until(() => scheduler.output().includes('SIGINT: stopping'));
    scheduler.child.kill('SIGINT');
    expect(await scheduler.exited, scheduler.output()).toBe(0);
    // The scheduler waited for its child to end before it exited.
    expect(isRunning(pid)).toBe(false);
    expect(scheduler.output()).toContain('SIGINT again: stopping running jobs now');
    expect(await runOf(slot)).toMatchObject({
      result: 'abandoned',
      error: 'the scheduler was stopped at once (SIGINT, then SIGINT)',
    });
    expect(await backups()).toHaveLength(2);
    await expectStopped(scheduler);
  });

  it('stops a run its heartbeat finds is no longer its own, and leaves its row to the new holder', async () => {
    const slot = scheduleBackup({ lease: 3000 });
    const scheduler = await start();
    const pid = await backingUp(scheduler, slot);
    // As a takeover does when this scheduler's lease lapsed unnoticed.
    await adminQuery(
      `update launchdb_control.job_runs set claimed_by = 'another-scheduler'
        where project = $1 and slot = $2`,
      [project.name, slot.toISOString()],
      control,
    );
    const lost = `lost backup on development, slot ${slot.toISOString()}: its lease expired and another scheduler took the run over; stopping it`;
    await until(() => scheduler.output().includes(lost), 30_000);
    await until(
      () => scheduler.output().includes(`stopped backup on development, slot ${slot.toISOString()}`),
      30_000,
    );
    expect(isRunning(pid)).toBe(false);
    expect(await runOf(slot)).toMatchObject({ claimed_by: 'another-scheduler', result: null });
    expect(await stopSchedulers([scheduler])).toEqual([0]);
    await adminQuery(
      `update launchdb_control.job_runs set result = 'abandoned', finished_at = now()
        where project = $1 and slot = $2`,
      [project.name, slot.toISOString()],
      control,
    );
  });

  async function expectStopped(scheduler: RunningScheduler): Promise<void> {
    const { rows } = await adminQuery(
      'select stopped_at from launchdb_control.schedulers where project = $1 and id = $2',
      [project.name, scheduler.id],
      control,
    );
    expect(rows[0]?.stopped_at).not.toBeNull();
    const { rows: open } = await adminQuery(
      'select count(*)::int as n from launchdb_control.job_runs where project = $1 and finished_at is null',
      [project.name],
      control,
    );
    expect(open[0].n).toBe(0);
  }
});
