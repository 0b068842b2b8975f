// The plan `migrate up` prints is read once it holds the migration lock: a deploy that lost the race
// to another says nothing was left, instead of a plan it never applied.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { tempProject } from '../helpers/project.js';
import { type MigrationProject, migrationProject } from './helpers.js';

describe.skipIf(!serverAvailable)('the plan of migrate up, on the server', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('server');
  });
  afterAll(async () => p?.remove());

  it('is printed once the lock is held, so the deploy that lost the race claims no plan', async () => {
    // The first migration waits on a lock the test holds, so the winner keeps the migration lock
    // until the loser is seen asking for it, however slow the machine.
    const gate = new pg.Client({ connectionString: p.url! });
    await gate.connect();
    await gate.query('select pg_advisory_lock(7301, 7302)');
    p.migration(
      '20260301000000',
      'slow',
      'create table raced (id int);\nselect pg_advisory_xact_lock(7301, 7302);',
    );
    p.migration('20260301000001', 'after', 'create table raced_after (id int);');
    const cwd = p.project.dir;
    const activity = (like: string) =>
      p.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like '${like}'`,
      );
    let winner!: ReturnType<typeof runBin>;
    let loser!: ReturnType<typeof runBin>;
    try {
      winner = runBin(['migrate', 'up', '--env', p.env], { cwd });
      // The winner is inside its first migration, holding the migration lock, before the loser starts.
      await until(async () => Number((await activity('%pg_advisory_xact_lock(7301%'))[0]!.n) > 0, 60_000);
      loser = runBin(['migrate', 'up', '--env', p.env, '--lock-timeout', '60000'], { cwd });
      // The loser is polling for the migration lock the winner holds.
      await until(async () => Number((await activity('%pg_try_advisory_lock%'))[0]!.n) > 0, 60_000);
    } finally {
      await gate.end();
    }
    const won = await winner;
    expect(won.code, won.stderr).toBe(0);
    expect(won.stderr).toContain('plan: 2 migrations');
    expect(won.stdout).toContain('2 applied');
    const lost = await loser;
    expect(lost.code, lost.stderr).toBe(0);
    expect(lost.stderr).not.toMatch(/plan: \d+ migration/);
    expect(lost.stderr).toContain(
      'plan: nothing left to apply; another run applied the 2 migrations pending before this one held the migration lock',
    );
    expect(lost.stdout).toContain('0 applied');
  }, 120_000);

  it('refuses, in a guarded environment, a plan that grew past what was checked and confirmed', async () => {
    const database = uniqueName('ldb_guard');
    await adminQuery(`create database ${database}`);
    const url = serverUrlFor(database);
    const project = tempProject(
      `{ project: '{project}', environments: { production: { postgres: { url: '${url}' } } } }`,
    );
    const cli = (args: string[]) =>
      runBin([...args, '--env', 'production', '--confirm', 'production'], { cwd: project.dir });
    const holder = new pg.Client({ connectionString: url });
    try {
      expect((await cli(['attach', 'postgres'])).code).toBe(0);
      project.write('db/migrations/20260401000000_first.sql', 'create table first_one (id int);\n');
      expect((await cli(['migrate', 'up'])).code).toBe(0);
      project.write('db/migrations/20260401000001_second.sql', 'create table second_one (id int);\n');
      await holder.connect();
      await holder.query('select pg_advisory_lock($1, $2)', [0x6c64626d, 1]);
      const waiting = cli(['migrate', 'up', '--lock-timeout', '30000']);
      await until(async () => {
        const { rows } = await holder.query(
          `select 1 from pg_stat_activity where datname = current_database() and application_name = 'launchdb migrate'`,
        );
        return rows.length > 0;
      }, 30_000);
      // Meanwhile the first migration's history row goes: it is pending again, but was not checked.
      await holder.query(`delete from launchdb.migrations where version = '20260401000000'`);
      await holder.query('select pg_advisory_unlock($1, $2)', [0x6c64626d, 1]);
      const refused = await waiting;
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'the plan changed while waiting for the migration lock: db/migrations/20260401000000_first.sql became pending; nothing was applied',
      );
      const { rows } = await holder.query(`select to_regclass('second_one') as second`);
      expect(rows[0].second).toBeNull();
    } finally {
      await holder.end().catch(() => {});
      project.remove();
      await adminQuery(`drop database if exists ${database} with (force)`);
    }
  }, 60_000);
});
