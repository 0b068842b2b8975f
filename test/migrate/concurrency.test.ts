// What only a real server can show: many deploys at once, a killed process, locks held by others.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../helpers/cli.js';
import { serverAvailable } from '../helpers/databases.js';
import { type MigrationProject, migrationProject } from './helpers.js';

describe.skipIf(!serverAvailable)('migrations under concurrency, on the server', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('server', 'migrations: { sessionLockTimeout: 500 },');
  });
  afterAll(async () => p?.remove());

  it('applies each migration exactly once when twenty deploys start at once', async () => {
    for (let i = 0; i < 5; i++) {
      // Not idempotent on purpose: a second application would fail.
      p.migration(`2026020100000${i}`, `step_${i}`, `create table step_${i} (id int primary key);`);
    }
    const runs = await Promise.all(
      Array.from({ length: 20 }, () =>
        runBin(['migrate', 'up', '--env', p.env, '--json'], { cwd: p.project.dir }),
      ),
    );
    expect(runs.map((run) => run.code)).toEqual(Array(20).fill(0));
    const applied = runs.flatMap((run) =>
      JSON.parse(run.stdout).results.filter((r: { status: string }) => r.status === 'applied'),
    );
    expect(applied).toHaveLength(5);
    const rows = await p.query<{ count: string }>('select count(*) from launchdb.migrations');
    expect(Number(rows[0]!.count)).toBe(5);
  }, 120_000);

  it('leaves no partial change and no history row when killed mid-migration, and frees the lock', async () => {
    p.migration('20260202000000', 'slow', 'create table slow_one (id int);\nselect pg_sleep(60);');
    const child = spawn(process.execPath, [BIN, 'migrate', 'up', '--env', p.env], {
      cwd: p.project.dir,
      stdio: 'ignore',
    });
    try {
      for (let i = 0; i < 200; i++) {
        const rows = await p.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity
            where datname = current_database() and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`,
        );
        if (Number(rows[0]!.n) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      // The server notices the dead connection and rolls its transaction back.
      for (let i = 0; i < 100; i++) {
        const rows = await p.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity
            where datname = current_database() and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`,
        );
        if (Number(rows[0]!.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await p.query<{ t: string | null }>(`select to_regclass('slow_one') as t`))[0]!.t).toBeNull();
      const versions = (await p.query<{ version: string }>('select version from launchdb.migrations')).map(
        (r) => r.version,
      );
      expect(versions).not.toContain('20260202000000');
      // Advisory locks are per database: other databases' holders on this server are not ours.
      const locks = await p.query<{ n: string }>(
        `select count(*) as n from pg_locks
          where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
      );
      expect(Number(locks[0]!.n)).toBe(0);
    } finally {
      child.kill('SIGKILL');
      p.migration('20260202000000', 'slow', 'create table slow_one (id int);');
    }
  }, 60_000);

  it('waits for the migration lock, then exits 3 naming its holder', async () => {
    const holder = new pg.Client({ connectionString: p.url, application_name: 'other deploy' });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1, $2)', [0x6c64626d, 1]);
      const result = await runBin(['migrate', 'up', '--env', p.env, '--lock-timeout', '700'], {
        cwd: p.project.dir,
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        /the migration lock on 127\.0\.0\.1:5432\/\S+ is held by pid \d+ \(other deploy, user postgres, .*\); waited 0\.7 s/,
      );
    } finally {
      await holder.end();
    }
    expect((await runBin(['migrate', 'up', '--env', p.env], { cwd: p.project.dir })).code).toBe(0);
  }, 60_000);

  it('fails a migration stuck behind a table lock instead of waiting, per the session lock_timeout', async () => {
    p.migration('20260203000000', 'alter_step', 'alter table step_0 add column note text;');
    const blocker = new pg.Client({ connectionString: p.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table step_0 in access share mode');
      const result = await runBin(['migrate', 'up', '--env', p.env], { cwd: p.project.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('canceling statement due to lock timeout (55P03)');
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    expect((await runBin(['migrate', 'up', '--env', p.env], { cwd: p.project.dir })).code).toBe(0);
  }, 60_000);

  it('runs a no-transaction file statement by statement, naming the statement that fails', async () => {
    p.migration(
      '20260204000000',
      'concurrent_index',
      '-- launchdb:no-transaction\ncreate index concurrently step_1_id on step_1 (id);\n\ncreate index concurrently broken on no_table (id);\n',
    );
    const failed = await runBin(['migrate', 'up', '--env', p.env], { cwd: p.project.dir });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('20260204000000_concurrent_index.sql:4:');
    expect(failed.stdout).toContain('in: create index concurrently broken on no_table (id)');
    const versions = (await p.query<{ version: string }>('select version from launchdb.migrations')).map(
      (r) => r.version,
    );
    expect(versions).not.toContain('20260204000000');
    p.migration(
      '20260204000000',
      'concurrent_index',
      '-- launchdb:no-transaction\ncreate index concurrently if not exists step_1_id on step_1 (id);\n',
    );
    expect((await runBin(['migrate', 'up', '--env', p.env], { cwd: p.project.dir })).code).toBe(0);
    expect((await p.query<{ i: string | null }>(`select to_regclass('step_1_id') as i`))[0]!.i).toBe(
      'step_1_id',
    );
  }, 60_000);
});
