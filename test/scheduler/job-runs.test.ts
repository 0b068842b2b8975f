// The claim protocol on a real control database: one claimer per slot however many race for it,
// leases renewed and taken over on the database's clock, overlapping slots skipped, missed slots
// recorded once, and a run only finished by the scheduler that holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlDatabase, openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import {
  claimSlot,
  finishRun,
  heartbeat,
  newestRecordedSlot,
  recordMissed,
  takeOverExpired,
} from '../../src/scheduler/job-runs.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.skipIf(!serverAvailable)('the job_runs claim protocol', () => {
  const database = uniqueName('ldbj');
  let temp: TempProject;
  let controls: ControlDatabase[] = [];
  const job = { project: 'shop', job: 'backup', environment: 'production' };

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    temp = tempProject(`{ project: '{project}', environments: { production: { postgres: {} } } }`);
    const project = await Project.load(temp.dir);
    const url = serverUrlFor(database);
    // Three openers: three schedulers on three machines.
    controls = await Promise.all([1, 2, 3].map(() => openControlDatabase(project, { url, max: 4 })));
  });

  afterAll(async () => {
    await Promise.all(controls.map((control) => control.close()));
    await adminQuery(`drop database if exists ${database} with (force)`);
    temp?.remove();
  });

  it('lets exactly one of many racing schedulers claim a slot', async () => {
    const slot = new Date('2026-12-07T03:00:00Z');
    const outcomes = await Promise.all(
      controls.flatMap((control, i) =>
        [0, 1, 2].map((j) =>
          claimSlot(control.db, { ...job, slot }, { schedulerId: `s${i}-${j}`, leaseMs: 30_000 }),
        ),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome.claimed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    if (!winner.claimed) throw new Error('unreachable');
    for (const loser of outcomes.filter((outcome) => !outcome.claimed)) {
      expect(loser).toMatchObject({ claimed: false, result: null });
    }
    // The next slot while this one runs: skipped, recorded, never run beside it.
    const next = await claimSlot(
      controls[1]!.db,
      { ...job, slot: new Date('2026-12-07T03:00:01Z') },
      { schedulerId: 'late', leaseMs: 30_000 },
    );
    expect(next).toMatchObject({ claimed: false, skipped: true, running: { slot } });
    const renewed = await heartbeat(controls[0]!.db, winner.run, { schedulerId: 'not-me', leaseMs: 30_000 });
    expect(renewed).toBe(false);
    expect(await finishRun(controls[0]!.db, winner.run, 'not-me', { result: 'ok' })).toBe(false);
  });

  it('takes over a run whose lease expired, and abandons one whose claimers keep dying', async () => {
    const job = { project: 'shop', job: 'drill', environment: 'production' };
    const slot = new Date('2026-12-08T03:00:00Z');
    const first = await claimSlot(controls[0]!.db, { ...job, slot }, { schedulerId: 'dead', leaseMs: 1000 });
    if (!first.claimed) throw new Error('expected a claim');
    const options = {
      project: 'shop',
      jobs: [{ job: 'drill', environment: 'production' }],
      leaseMs: 1000,
      maxAttempts: 2,
    };
    // Before the lease ends nobody takes it over.
    expect(await takeOverExpired(controls[1]!.db, { ...options, schedulerId: 'b' })).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const racing = await Promise.all([
      takeOverExpired(controls[1]!.db, { ...options, schedulerId: 'b' }),
      takeOverExpired(controls[2]!.db, { ...options, schedulerId: 'c' }),
    ]);
    const taken = racing.filter((outcome) => outcome?.takenOver);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ takenOver: true, from: 'dead', run: { attempts: 2, slot } });
    // The dead claimer's late finish is refused: the run is no longer its.
    expect(await finishRun(controls[0]!.db, first.run, 'dead', { result: 'ok' })).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const last = await takeOverExpired(controls[1]!.db, { ...options, schedulerId: 'b' });
    expect(last).toMatchObject({ takenOver: false, abandoned: { attempts: 2, slot } });
    const { rows } = await adminQuery(
      `select result, error from launchdb_control.job_runs where slot = $1`,
      [slot.toISOString()],
      database,
    );
    expect(rows[0]).toMatchObject({ result: 'abandoned', error: expect.stringContaining('2 claimers') });
  });

  it('records missed slots once, leaving slots another scheduler ran as they are', async () => {
    const job = { project: 'shop', job: 'verify', environment: 'production' };
    const slots = ['2026-12-09T03:00:00Z', '2026-12-10T03:00:00Z', '2026-12-11T03:00:00Z'].map(
      (text) => new Date(text),
    );
    const ran = await claimSlot(
      controls[0]!.db,
      { ...job, slot: slots[1]! },
      { schedulerId: 'a', leaseMs: 30_000 },
    );
    if (!ran.claimed) throw new Error('expected a claim');
    expect(await finishRun(controls[0]!.db, ran.run, 'a', { result: 'ok', exitCode: 0 })).toBe(true);
    const counts = await Promise.all(
      controls.map((control) => recordMissed(control.db, job, slots, 'x', 'no scheduler was running')),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(await newestRecordedSlot(controls[2]!.db, job)).toEqual(slots[2]);
  });
});
