import { describe, expect, it } from 'vitest';
import { type Check, StoreUnavailable } from '../../src/core/checks/check.js';
import { verdictOf } from '../../src/core/checks/report.js';
import { runChecks } from '../../src/core/checks/run-checks.js';

type Ctx = { started: number[] };

function check(id: string, run: Check<Ctx>['run'], area: Check<Ctx>['area'] = 'provisioning'): Check<Ctx> {
  return { id, area, title: id, severity: 'fail', run };
}

const pass = (id: string, area?: Check<Ctx>['area']) =>
  check(id, async () => ({ status: 'pass', summary: 'fine' }), area);

const options = { project: 'p', environment: 'e' };

describe('the check runner', () => {
  it('reports a check that throws as error, and the others still run', async () => {
    const report = await runChecks(
      [
        check('a.throws', async () => {
          throw new Error('boom\nsecond line');
        }),
        pass('a.fine'),
      ],
      { started: [] },
      options,
    );
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['a.throws', 'error'],
      ['a.fine', 'pass'],
    ]);
    expect(report.checks[0]!.summary).toBe('could not be evaluated: boom');
    expect(report.verdict).toBe('not ready');
  });

  it('reports a check that exceeds its time limit as error, without waiting for it', async () => {
    const started = performance.now();
    const report = await runChecks(
      [check('a.hangs', () => new Promise(() => {})), pass('a.fine')],
      { started: [] },
      { ...options, timeoutMs: 200 },
    );
    expect(report.checks[0]).toMatchObject({ status: 'error', summary: 'did not finish within 200 ms' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives a check that declares its own time limit that limit instead of the default', async () => {
    const slow = {
      ...check(
        'a.slow',
        () => new Promise((resolve) => setTimeout(() => resolve({ status: 'pass', summary: 'done' }), 300)),
      ),
      timeoutMs: 2_000,
    };
    const report = await runChecks([slow], { started: [] }, { ...options, timeoutMs: 100 });
    expect(report.checks[0]).toMatchObject({ status: 'pass', summary: 'done' });
  });

  it('reports checks whose store is unreachable as skipped', async () => {
    const report = await runChecks(
      [
        check('a.needs-db', async () => {
          throw new StoreUnavailable('Postgres at h:1/db');
        }),
      ],
      { started: [] },
      options,
    );
    expect(report.checks[0]).toMatchObject({ status: 'skip' });
    expect(report.checks[0]!.summary).toContain('Postgres at h:1/db is unreachable');
  });

  it('runs checks concurrently, at most `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const slow = (id: string) =>
      check(id, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return { status: 'pass', summary: 'ok' };
      });
    await runChecks(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => slow(`x.${id}`)),
      { started: [] },
      { ...options, concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it('starts the checks that declare a longer time limit first, and reports in declaration order', async () => {
    const started: string[] = [];
    const timed = (id: string, timeoutMs?: number): Check<Ctx> => ({
      ...check(id, async () => {
        started.push(id);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { status: 'pass', summary: 'ok' };
      }),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    const report = await runChecks(
      [timed('q.one'), timed('q.two'), timed('s.scan', 60_000), timed('q.three'), timed('s.replay', 300_000)],
      { started: [] },
      { ...options, concurrency: 1 },
    );
    expect(started).toEqual(['s.replay', 's.scan', 'q.one', 'q.two', 'q.three']);
    expect(report.checks.map((c) => c.id)).toEqual(['q.one', 'q.two', 's.scan', 'q.three', 's.replay']);
  });

  it('keeps only the areas asked for, in declaration order', async () => {
    const report = await runChecks(
      [pass('p.one', 'provisioning'), pass('a.one', 'access'), pass('p.two', 'provisioning')],
      { started: [] },
      { ...options, only: ['provisioning'] },
    );
    expect(report.checks.map((c) => c.id)).toEqual(['p.one', 'p.two']);
  });

  it('makes warnings block only when strict', () => {
    const warn = {
      id: 'w',
      area: 'provisioning' as const,
      title: 'w',
      status: 'warn' as const,
      summary: '',
      durationMs: 0,
    };
    const skip = { ...warn, status: 'skip' as const };
    expect(verdictOf([warn, skip])).toBe('ready');
    expect(verdictOf([warn, skip], true)).toBe('not ready');
    expect(verdictOf([skip], true)).toBe('ready');
  });
});
