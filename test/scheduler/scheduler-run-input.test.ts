// What `launchdb scheduler run` refuses before it runs anything: no jobs (or none left after --env and
// --job), an unknown job, a job that changes a guarded environment without --confirm, a bad cron or
// time zone, a control database it cannot reach (exit 3, no password), and a second scheduler on
// one embedded control database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import {
  type RunningScheduler,
  type SchedulerProject,
  schedulerProject,
  startScheduler,
  stopSchedulers,
} from '../helpers/scheduler.js';

describe('scheduler run: bad input', () => {
  let project: SchedulerProject;
  let first: RunningScheduler | undefined;
  const environments = { development: { postgres: {} }, production: { postgres: {} } };
  const run = (args: string[] = []) => runCli(['scheduler', 'run', ...args], { cwd: project.dir });

  beforeAll(() => {
    project = schedulerProject();
  });

  afterAll(async () => {
    if (first) await stopSchedulers([first]);
    project?.remove();
  });

  it('says which config to add when no job is declared, or none is left after --env and --job', async () => {
    project.configure({ environments });
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: no jobs to run: scheduler.jobs is not in the config');
    expect(none.stderr).toContain(
      "fix: add scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] } to launchdb.config.json",
    );

    project.configure({
      environments,
      scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] },
    });
    const filtered = await run(['--env', 'development', '--job', 'check']);
    expect(filtered.code).toBe(2);
    expect(filtered.stderr).toContain(
      'error: no jobs to run for --env development --job check: scheduler.jobs declares backup on production',
    );
    expect(filtered.stderr).toContain("add { job: 'check', env: 'development', cron: '0 3 * * *' }");
  });

  it('names an unknown job and guesses the one meant', async () => {
    const unknown = await run(['--job', 'bakup']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown job "bakup"; the scheduler runs backup, prune,');
    expect(unknown.stderr).toContain('fix: did you mean --job backup?');
    expect(unknown.stderr).not.toContain('    at ');
  });

  it('refuses a job that changes a guarded environment without --confirm naming it', async () => {
    project.configure({
      environments,
      scheduler: { jobs: [{ job: 'prune', env: 'production', cron: '0 3 * * *' }] },
    });
    for (const args of [[], ['--confirm', 'development']]) {
      const refused = await run(args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'refusing to change guarded environment production (scheduled job prune: prune backups by backups.retention, at every slot) without confirmation',
      );
      expect(refused.stderr).toContain('fix: pass --confirm production');
      expect(refused.stdout).toBe(''); // refused before anything, the control database included
    }
  });

  it('names a bad cron expression and a bad time zone, one line each', async () => {
    project.configure({
      environments,
      scheduler: {
        jobs: [
          { job: 'backup', env: 'production', cron: '61 * * * *' },
          { job: 'check', env: 'production', cron: '0 3 * * *', timezone: 'Mars/Olympus' },
        ],
      },
    });
    const invalid = await run();
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'scheduler.jobs.0.cron: "61 * * * *" is not a cron expression: expected five fields',
    );
    expect(invalid.stderr).toContain('scheduler.jobs.1.timezone: "Mars/Olympus" is not a time zone');
  });

  it('is exit 3 naming the host and port, never the password, when the control database cannot be reached', async () => {
    project.configure({
      environments,
      scheduler: { jobs: [{ job: 'prune', env: 'production', cron: '0 3 * * *' }] },
    });
    const port = await closedPort();
    const unreachable = await run([
      '--confirm',
      'production',
      '--control-url',
      `postgresql://ops:s3cret-pw@127.0.0.1:${port}/control`,
    ]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(
      `error: control database (--control-url): cannot reach Postgres at 127.0.0.1:${port}`,
    );
    expect(unreachable.stdout + unreachable.stderr).not.toContain('s3cret-pw');
  });

  it('refuses a second scheduler on one embedded control database, naming the first', async () => {
    project.configure({
      environments,
      scheduler: { jobs: [{ job: 'check', env: 'development', cron: '0 3 1 1 *' }] },
    });
    first = await startScheduler(project.dir);
    // Held for its life and served on loopback, so its jobs, `history` and `scheduler status` reach it.
    expect(first.output()).toMatch(
      /control database \.launchdb\/control\/postgres \(served on 127\.0\.0\.1:\d+\) \(embedded\)/,
    );
    const second = await run();
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`error: another scheduler (pid ${first.child.pid}, since `);
    expect(second.stderr).toContain('runs on the embedded control database .launchdb/control/postgres');
    expect(second.stderr).toContain('the same control.url');
    expect(await stopSchedulers([first])).toEqual([0]);
  });
});
