// What `scheduler status` and the job-ran checks make of what a real `launchdb scheduler run` wrote:
// its registration, its runs (a verify job that fails: there is no backup to verify), its stop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBin, runCli, until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';

describe.skipIf(!serverAvailable)('scheduler status of a real scheduler', () => {
  const database = uniqueName('ldbsr');
  const name = uniqueName('psr');
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-status-'));
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    // A JSON config, so each job's child process starts fast.
    const config = {
      project: name,
      environments: { staging: { postgres: {} } },
      scheduler: { jobs: [{ job: 'verify', env: 'staging', cron: '*/5 * * * * *' }] },
    };
    writeFileSync(join(dir, 'launchdb.config.json'), JSON.stringify(config));
    writeFileSync(join(dir, '.env'), `LAUNCHDB_CONTROL_URL=${serverUrlFor(database)}\n`);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('shows its failed run and its registration, live then stopped; the check warns', async () => {
    const scheduler = launchBin(['scheduler', 'run'], dir);
    try {
      await until(async () => {
        if (scheduler.child.exitCode !== null)
          throw new Error(`scheduler run exited:\n${scheduler.output()}`);
        const { rows } = await adminQuery(
          `select 1 from launchdb_control.job_runs where project = $1 and finished_at is not null`,
          [name],
          database,
        ).catch(() => ({ rows: [] }));
        return rows.length > 0;
      }, 60_000);
      const live = JSON.parse((await runCli(['scheduler', 'status', '--json'], { cwd: dir })).stdout);
      expect(live.schedulers).toMatchObject([
        { state: 'live', pid: scheduler.child.pid, jobs: ['verify staging'] },
      ]);
    } finally {
      scheduler.child.kill('SIGTERM');
      await scheduler.exited;
    }

    const result = await runCli(['scheduler', 'status', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const [job] = doc.jobs;
    expect(job).toMatchObject({
      job: 'verify',
      environment: 'staging',
      state: 'problem',
      lastRun: { result: 'failed', exitCode: 1 },
      running: [],
    });
    expect(doc.schedulers).toMatchObject([{ state: 'stopped', pid: scheduler.child.pid }]);
    expect(job.lastRun.by).toBe(doc.schedulers[0].id);

    const checked = await runCli(
      ['check', '--env', 'staging', '--only', 'backups', '--json', '--no-record'],
      {
        cwd: dir,
      },
    );
    const check = JSON.parse(checked.stdout).checks.find(
      (c: { id: string }) => c.id === 'backups.verify-ran',
    );
    expect(check).toMatchObject({ status: 'warn', summary: expect.stringContaining('failed (exit 1)') });
  });
});
