// How a job's last due slot is judged from its recorded runs: ok, running, starting, missed, failed,
// stalled, never ran, and slots read in the job's own time zone across a daylight-saving change.
import { describe, expect, it } from 'vitest';
import { jobHealth } from '../../src/scheduler/job-health.js';
import { JOB_KINDS } from '../../src/scheduler/job-kinds.js';
import type { JobRun, SchedulerProcess } from '../../src/scheduler/read-job-runs.js';
import type { ScheduledJob } from '../../src/scheduler/slots.js';

const LEASE = { leaseMs: 30_000 };

function job(cron = '0 3 * * *', timezone = 'UTC'): ScheduledJob {
  return {
    kind: JOB_KINDS.backup,
    env: 'production',
    cron,
    timezone,
    catchUp: 'latest',
    timeoutMs: 3_600_000,
    label: 'backup on production',
  };
}

/** A run of the backup job for `slot`: finished ok 12 s after it started, unless told otherwise. */
function run(slot: string, fields: Partial<JobRun> = {}): JobRun {
  const at = new Date(slot);
  return {
    job: 'backup',
    environment: 'production',
    slot: at,
    claimedBy: 'web-1:4242:ab',
    leaseUntil: new Date(at.getTime() + 42_000),
    heartbeatAt: new Date(at.getTime() + 12_000),
    startedAt: at,
    finishedAt: new Date(at.getTime() + 12_000),
    result: 'ok',
    error: null,
    exitCode: 0,
    attempts: 1,
    ...fields,
  };
}

const running = (slot: string, leaseUntil: string): Partial<JobRun> => ({
  finishedAt: null,
  result: null,
  exitCode: null,
  leaseUntil: new Date(leaseUntil),
  heartbeatAt: new Date(new Date(leaseUntil).getTime() - 30_000),
  startedAt: new Date(slot),
});

describe('jobHealth', () => {
  it('ok: the due slot ran and succeeded (when, took, by), with the next slot', () => {
    const health = jobHealth(job(), [run('2026-12-07T03:00:00Z')], new Date('2026-12-07T10:00:00Z'), LEASE);
    expect(health).toMatchObject({ state: 'ok', slot: new Date('2026-12-07T03:00:00Z') });
    expect(health.summary).toBe('the slot of 2026-12-07 03:00 UTC ran ok: took 12 s, by web-1:4242:ab');
    expect(health.next).toEqual(new Date('2026-12-08T03:00:00Z'));
    expect(health.lastRun?.slot).toEqual(new Date('2026-12-07T03:00:00Z'));
  });

  it('reads only its own runs: another job or environment at the same slot does not count', () => {
    const other = [
      run('2026-12-07T03:00:00Z', { job: 'drill' }),
      run('2026-12-07T03:00:00Z', { environment: 'staging' }),
    ];
    expect(jobHealth(job(), other, new Date('2026-12-07T10:00:00Z'), LEASE).state).toBe('never-ran');
  });

  it('running: the due slot runs under a live lease, so the slot before it is judged', () => {
    const now = new Date('2026-12-07T03:10:00Z');
    const runs = [
      run('2026-12-07T03:00:00Z', running('2026-12-07T03:00:00Z', '2026-12-07T03:10:20Z')),
      run('2026-12-06T03:00:00Z'),
    ];
    const health = jobHealth(job(), runs, now, LEASE);
    expect(health).toMatchObject({ state: 'ok', slot: new Date('2026-12-06T03:00:00Z') });
    expect(health.running.map((r) => r.slot)).toEqual([new Date('2026-12-07T03:00:00Z')]);
    // Its first run ever: nothing finished to judge, and it is not a miss.
    const first = jobHealth(job(), runs.slice(0, 1), now, LEASE);
    expect(first.state).toBe('running');
    expect(first.summary).toBe(
      'its first run (the slot of 2026-12-07 03:00 UTC) is running on web-1:4242:ab',
    );
  });

  it('within the start window a slot with no run yet is not missed: the slot before it is judged', () => {
    const runs = [run('2026-12-06T03:00:00Z')];
    const starting = jobHealth(job(), runs, new Date('2026-12-07T03:00:40Z'), LEASE);
    expect(starting).toMatchObject({ state: 'ok', slot: new Date('2026-12-06T03:00:00Z') });
    // A lease longer than the window widens it.
    const longLease = jobHealth(job(), runs, new Date('2026-12-07T03:01:30Z'), { leaseMs: 120_000 });
    expect(longLease.state).toBe('ok');
  });

  it('missed: past the window the due slot has no run, though the job ran before', () => {
    const health = jobHealth(job(), [run('2026-12-06T03:00:00Z')], new Date('2026-12-07T03:01:00Z'), LEASE);
    expect(health).toMatchObject({ state: 'missed', slot: new Date('2026-12-07T03:00:00Z') });
    expect(health.run).toBeUndefined();
    expect(health.summary).toBe(
      'the slot of 2026-12-07 03:00 UTC has no run: no scheduler ran it (it last succeeded for the slot of 2026-12-06 03:00 UTC)',
    );
  });

  it('problem: failed (exit code, error line), abandoned, skipped, recorded as missed', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const failed = jobHealth(
      job(),
      [
        run('2026-12-07T03:00:00Z', {
          result: 'failed',
          exitCode: 3,
          error: 'cannot reach Postgres at db.internal:5432\n    at connect (stack)',
        }),
        run('2026-12-06T03:00:00Z'),
      ],
      now,
      LEASE,
    );
    expect(failed.state).toBe('problem');
    expect(failed.summary).toBe(
      'the slot of 2026-12-07 03:00 UTC failed (exit 3) after 12 s on web-1:4242:ab: cannot reach Postgres at db.internal:5432',
    );
    expect(failed.lastOk?.slot).toEqual(new Date('2026-12-06T03:00:00Z'));
    const skipped = jobHealth(
      job(),
      [
        run('2026-12-07T03:00:00Z', {
          result: 'skipped',
          startedAt: null,
          exitCode: null,
          error: 'the run of 2026-12-06T03:00:00.000Z was still going',
        }),
      ],
      now,
      LEASE,
    );
    expect(skipped.state).toBe('problem');
    expect(skipped.summary).toBe(
      'the slot of 2026-12-07 03:00 UTC was skipped by web-1:4242:ab: the run of 2026-12-06T03:00:00.000Z was still going',
    );
    const missed = jobHealth(
      job(),
      [run('2026-12-07T03:00:00Z', { result: 'missed', startedAt: null, error: 'no scheduler was running' })],
      now,
      LEASE,
    );
    expect(missed.summary).toBe(
      'the slot of 2026-12-07 03:00 UTC was recorded as missed by web-1:4242:ab: no scheduler was running',
    );
    const abandoned = jobHealth(job(), [run('2026-12-07T03:00:00Z', { result: 'abandoned' })], now, LEASE);
    expect(abandoned.state).toBe('problem');
  });

  it('stalled: a claim whose lease ran out long ago, never taken over', () => {
    const runs = [
      run('2026-12-07T03:00:00Z', running('2026-12-07T03:00:00Z', '2026-12-07T03:02:00Z')),
      run('2026-12-06T03:00:00Z'),
    ];
    const justExpired = jobHealth(job(), runs, new Date('2026-12-07T03:02:30Z'), LEASE);
    expect(justExpired).toMatchObject({ state: 'ok', slot: new Date('2026-12-06T03:00:00Z') });
    const health = jobHealth(job(), runs, new Date('2026-12-07T03:10:00Z'), LEASE);
    expect(health).toMatchObject({ state: 'stalled', slot: new Date('2026-12-07T03:00:00Z') });
    expect(health.summary).toBe(
      'the run of the slot of 2026-12-07 03:00 UTC stopped without finishing: its claimer web-1:4242:ab last beat 8 min 30 s ago and no scheduler took it over',
    );
  });

  it('never ran: no run recorded at all', () => {
    const health = jobHealth(job(), [], new Date('2026-12-07T10:00:00Z'), LEASE);
    expect(health).toMatchObject({ state: 'never-ran', slot: new Date('2026-12-07T03:00:00Z') });
    expect(health.summary).toBe('never ran: no run is recorded (its last slot was 2026-12-07 03:00 UTC)');
  });

  it('a job never run that a live scheduler took on after its last slot is not due yet', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const scheduler = (fields: Partial<SchedulerProcess>): SchedulerProcess => ({
      id: 'web-1:4242:ab',
      host: 'web-1',
      pid: 4242,
      launchdbVersion: '1.0.0',
      startedAt: new Date('2026-12-07T09:00:00Z'),
      heartbeatAt: new Date('2026-12-07T09:59:55Z'),
      stoppedAt: null,
      state: 'live',
      jobs: ['backup production'],
      ...fields,
    });
    const waiting = jobHealth(job(), [], now, { ...LEASE, schedulers: [scheduler({})] });
    expect(waiting.state).toBe('not-due');
    expect(waiting.summary).toBe(
      'no slot due since scheduler web-1:4242:ab took it on at 2026-12-07 09:00 UTC: the first is 2026-12-08 03:00 UTC',
    );
    // Not when it started before the slot, is stale, or does not run this job.
    for (const other of [
      { startedAt: new Date('2026-12-07T02:00:00Z') },
      { state: 'stale' as const },
      { jobs: ['backup staging'] },
    ]) {
      expect(jobHealth(job(), [], now, { ...LEASE, schedulers: [scheduler(other)] }).state).toBe('never-ran');
    }
  });

  it('not due: the only slot so far is still within its start window', () => {
    const health = jobHealth(job('0 0 * * *'), [], new Date('1970-01-01T00:00:30Z'), LEASE);
    expect(health.state).toBe('not-due');
    expect(health.summary).toBe('no slot due yet: the next is 1970-01-02 00:00 UTC');
  });

  it('a daily job in Europe/Berlin keeps its wall time across the change to summer time', () => {
    const berlin = job('0 3 * * *', 'Europe/Berlin');
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC from 29 March 2026 on.
    const saturday = run('2026-03-28T02:00:00Z');
    const afterSundaySlot = new Date('2026-03-29T01:30:00Z');
    const missed = jobHealth(berlin, [saturday], afterSundaySlot, LEASE);
    expect(missed).toMatchObject({ state: 'missed', slot: new Date('2026-03-29T01:00:00Z') });
    expect(missed.summary).toContain('the slot of 2026-03-29 03:00 Europe/Berlin has no run');
    const sunday = run('2026-03-29T01:00:00Z');
    const ok = jobHealth(berlin, [sunday, saturday], afterSundaySlot, LEASE);
    expect(ok.summary).toBe('the slot of 2026-03-29 03:00 Europe/Berlin ran ok: took 12 s, by web-1:4242:ab');
    expect(ok.next).toEqual(new Date('2026-03-30T01:00:00Z'));
    // And back to winter time on 25 October.
    const october = jobHealth(berlin, [run('2026-10-25T02:00:00Z')], new Date('2026-10-25T12:00:00Z'), LEASE);
    expect(october.summary).toContain('the slot of 2026-10-25 03:00 Europe/Berlin ran ok');
  });

  it('a one-second cron judges the newest slot past the window, not one still being claimed', () => {
    const now = new Date('2026-12-07T10:00:00.500Z');
    const everySecond = job('* * * * * *');
    const runs = [run('2026-12-07T09:59:00Z', { finishedAt: new Date('2026-12-07T09:59:00.200Z') })];
    const health = jobHealth(everySecond, runs, now, LEASE);
    // Every slot of the last minute is still within its window; 09:59:00 is the newest before it.
    expect(health).toMatchObject({ state: 'ok', slot: new Date('2026-12-07T09:59:00Z') });
  });
});
