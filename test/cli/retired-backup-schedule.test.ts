// `backup schedule` is retired for the scheduler: the command, whatever its flags, exits 2 with the
// scheduler config that does what it did (built from backups.schedule), and a config still holding
// backups.schedule is refused naming its replacement. The config the fix gives is pasted back in and
// loads, with backups.configured passing on it.
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { backupsConfigured } from '../../src/stores/postgres/checks/backups-configured.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const ENVIRONMENTS = `environments: { development: { postgres: {} }, production: { postgres: {} } }`;

describe('backup schedule, retired', () => {
  const projects: TempProject[] = [];
  const project = (rest: string) => {
    const made = tempProject(`{ project: '{project}', ${ENVIRONMENTS}, ${rest} }`);
    projects.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of projects.splice(0)) made.remove();
  });

  /** The one `fix:` line of a refusal. */
  const fixOf = (stderr: string) => /^ {2}fix: (.*)$/m.exec(stderr)?.[1] ?? '';

  it('exits 2 naming the scheduler, with the config built from backups.schedule and retention', async () => {
    const shop = project(`backups: { schedule: '30 2 * * *', retention: { days: 10 } }`);
    for (const argv of [
      ['backup', 'schedule', '--env', 'production'],
      ['backup', 'schedule', '--env=production', '--target', '/mnt/backups', '--no-such-flag'],
      ['backup', 'schedule', '--env', 'production', '--help'],
    ]) {
      const result = await runCli(argv, { cwd: shop.dir });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(
        'error: `launchdb backup schedule` is retired: the scheduler takes backups now, on the jobs scheduler.jobs declares (docs/SCHEDULER.md)',
      );
      expect(fixOf(result.stderr)).toBe(
        "declare scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '30 2 * * *' }, { job: 'prune', env: 'production', cron: '30 2 * * *' }] } in launchdb.config.ts in place of backups.schedule, then run `launchdb scheduler run --confirm production` as a service",
      );
    }
  });

  it('gives a config that loads in place of backups.schedule, on which backups.configured passes', async () => {
    const shop = project(`backups: { schedule: '30 2 * * *', retention: { days: 10 } }`);
    const fix = fixOf(
      (await runCli(['backup', 'schedule', '--env', 'production'], { cwd: shop.dir })).stderr,
    );
    const pasted = /^declare (scheduler: .*) in launchdb\.config\.ts/.exec(fix)?.[1];
    expect(pasted).toBeDefined();
    shop.write(
      'launchdb.config.ts',
      `import { defineConfig } from 'launchdb';\nexport default defineConfig({ project: '${shop.name}', ${ENVIRONMENTS}, backups: { retention: { days: 10 } }, ${pasted} });\n`,
    );
    const loaded = await Project.load(shop.dir);
    expect(loaded.config.scheduler?.jobs.map((job) => `${job.job} ${job.env} ${job.cron}`)).toEqual([
      'backup production 30 2 * * *',
      'prune production 30 2 * * *',
    ]);
    const env = loaded.environment('production');
    const outcome = await backupsConfigured.run({
      project: loaded,
      env,
      now: new Date(),
    } as unknown as PostgresCheckContext);
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'the scheduler takes backups at "30 2 * * *" (UTC) to .launchdb/backups/production',
    });
  });

  it('without a schedule in the config offers the example time for --env; says so when the job is declared', async () => {
    const plain = project(`backups: {}`);
    const result = await runCli(['backup', 'schedule', '--env', 'development'], { cwd: plain.dir });
    expect(result.code).toBe(2);
    expect(fixOf(result.stderr)).toBe(
      "declare scheduler: { jobs: [{ job: 'backup', env: 'development', cron: '0 3 * * *' }] } in launchdb.config.ts, then run `launchdb scheduler run` as a service",
    );
    const declared = project(
      `scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 4 * * *' }] }`,
    );
    const already = await runCli(['backup', 'schedule', '--env', 'production'], { cwd: declared.dir });
    expect(already.code).toBe(2);
    expect(fixOf(already.stderr)).toBe(
      'scheduler.jobs declares the backup job already: run `launchdb scheduler run` as a service',
    );
  });

  it('is not listed in help any more', async () => {
    const plain = project(`backups: {}`);
    const group = await runCli(['backup'], { cwd: plain.dir });
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('backup prune');
    expect(group.stdout).not.toContain('schedule');
    expect((await runCli(['--help'], { cwd: plain.dir })).stdout).not.toContain('backup schedule');
  });
});

describe('backups.schedule in a config', () => {
  const projects: TempProject[] = [];
  afterEach(() => {
    for (const made of projects.splice(0)) made.remove();
  });

  it('is refused as a config problem naming the jobs that replace it, exit 2, beside the other problems', async () => {
    const shop = tempProject(
      `{ project: '{project}', ${ENVIRONMENTS}, backups: { schedule: '0 3 * * *', retention: { daily: 7 } } }`,
    );
    projects.push(shop);
    const result = await runCli(['env', 'list'], { cwd: shop.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      "error: invalid config launchdb.config.ts: backups.schedule: retired: `launchdb scheduler run` takes backups now, on the jobs in scheduler.jobs (docs/SCHEDULER.md); remove it and declare scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }, { job: 'prune', env: 'production', cron: '0 3 * * *' }] }",
    );

    // Another problem too: each on its own line; jobs declared already are not offered again.
    const both = tempProject(
      `{ project: '{project}', ${ENVIRONMENTS}, backups: { schedule: '0 3 * * *', workers: 99 }, scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] } }`,
    );
    projects.push(both);
    const two = await runCli(['check', '--env', 'development'], { cwd: both.dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('invalid config launchdb.config.ts: 2 problems');
    expect(two.stderr).toContain('  backups.workers: expected a whole number');
    expect(two.stderr).toContain(
      '  backups.schedule: retired: `launchdb scheduler run` takes backups now, on the jobs in scheduler.jobs (docs/SCHEDULER.md), which declares the backup job of production already: remove backups.schedule',
    );
  });
});
