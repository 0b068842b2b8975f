// The plan `migrate up` prints is read once it holds the migration lock: a deploy that lost the race
// to another says nothing was left, instead of a plan it never applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, until } from '../helpers/cli.js';
import { serverAvailable } from '../helpers/databases.js';
import { type MigrationProject, migrationProject } from './helpers.js';

describe.skipIf(!serverAvailable)('the plan of migrate up, on the server', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('server');
  });
  afterAll(async () => p?.remove());

  it('is printed once the lock is held, so the deploy that lost the race claims no plan', async () => {
    p.migration('20260301000000', 'slow', 'create table raced (id int);\nselect pg_sleep(2);');
    p.migration('20260301000001', 'after', 'create table raced_after (id int);');
    const cwd = p.project.dir;
    const winner = runBin(['migrate', 'up', '--env', p.env], { cwd });
    // The winner is inside its first migration, holding the lock, before the loser starts.
    await until(async () => {
      const rows = await p.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep(2)%'`,
      );
      return Number(rows[0]!.n) > 0;
    }, 30_000);
    const loser = await runBin(['migrate', 'up', '--env', p.env, '--lock-timeout', '30000'], { cwd });
    const won = await winner;
    expect(won.code).toBe(0);
    expect(won.stderr).toContain('plan: 2 migrations');
    expect(won.stdout).toContain('2 applied');
    expect(loser.code).toBe(0);
    expect(loser.stderr).not.toMatch(/plan: \d+ migration/);
    expect(loser.stderr).toContain(
      'plan: nothing left to apply; another run applied the 2 migrations pending before this one held the migration lock',
    );
    expect(loser.stdout).toContain('0 applied');
  }, 60_000);
});
