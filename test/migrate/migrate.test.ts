import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { BACKINGS } from '../helpers/databases.js';
import { type MigrationProject, withMigrationProject } from './helpers.js';

const tableExists = async (p: MigrationProject, table: string) =>
  (await p.query<{ present: boolean }>(`select to_regclass('${table}') is not null as present`))[0]!.present;
const history = (p: MigrationProject) =>
  p.query<{
    version: string;
    name: string;
    checksum: string;
    applied_by: string;
    duration_ms: number;
    source: string;
  }>(
    'select version, name, checksum, applied_by, duration_ms, source from launchdb.migrations order by version',
  );

describe.each(BACKINGS)('migrations on %s Postgres', (backing) => {
  let p: MigrationProject;
  const test = withMigrationProject(backing, (made) => {
    p = made;
  });

  test('creates a new migration file named by UTC time', async () => {
    const result = await p.cli(['migrate', 'new', 'Create Users']);
    expect(result.code).toBe(0);
    const [file] = readdirSync(join(p.project.dir, 'db/migrations')).filter((name) => name.endsWith('.sql'));
    expect(file).toMatch(/^\d{14}_create_users\.sql$/);
    // Only comments: applying it would be an error, so nothing unfinished ships.
    const up = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('has no SQL statement');
    p.clearMigrations();
    expect((await p.cli(['migrate', 'new', 'bad/name'])).code).toBe(2);
  });

  test('applies pending migrations in order, each with its history row', async () => {
    p.migration(
      '20260101000000',
      'users',
      'create table users (id bigint generated always as identity primary key, email text not null);',
    );
    p.migration(
      '20260102000000',
      'orders',
      'create table orders (id bigint primary key, user_id bigint references users(id));\r\ncreate index on orders (user_id);',
    );
    const result = await p.cli(['migrate', 'up', '--env', p.env, '--json']);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run.results.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['users', 'applied'],
      ['orders', 'applied'],
    ]);
    const rows = await history(p);
    expect(rows.map((row) => row.version)).toEqual(['20260101000000', '20260102000000']);
    const file = readFileSync(join(p.project.dir, 'db/migrations/20260102000000_orders.sql'), 'utf8');
    expect(rows[1]!.checksum).toBe(createHash('sha256').update(file.replace(/\r\n/g, '\n')).digest('hex'));
    expect(rows[0]!.applied_by).toBe('postgres');
    expect(rows[0]!.source).toBe('launchdb');
    expect(await tableExists(p, 'orders')).toBe(true);
    const again = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to apply');
  });

  test('a failing migration leaves nothing of itself, stops the run, and says file:line', async () => {
    p.migration(
      '20260103000000',
      'broken',
      'create table half_done (id int);\n\ninsert into no_such_table values (1);\n',
    );
    p.migration('20260104000000', 'after', 'create table after_broken (id int);');
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('db/migrations/20260103000000_broken.sql:3:13');
    expect(result.stdout).toContain('42P01');

    expect(await tableExists(p, 'half_done')).toBe(false);
    expect(await tableExists(p, 'after_broken')).toBe(false);
    expect((await history(p)).map((row) => row.version)).not.toContain('20260103000000');
    rmSync(join(p.project.dir, 'db/migrations/20260103000000_broken.sql'));
    rmSync(join(p.project.dir, 'db/migrations/20260104000000_after.sql'));
  });

  test('in one round trip, those before a failure stay applied and those after are not attempted', async () => {
    p.migration('20260104100000', 'good_one', 'create table good_one (id int);');
    p.migration('20260104200000', 'bad_one', 'select 1;\ninsert into nowhere values (1);');
    p.migration('20260104300000', 'never', 'create table never_run (id int);');
    const result = await p.cli(['migrate', 'up', '--env', p.env, '--json']);
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout);
    expect(run.results.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['good_one', 'applied'],
      ['bad_one', 'failed'],
      ['never', 'skipped'],
    ]);
    expect(run.results[1].error).toMatchObject({
      file: 'db/migrations/20260104200000_bad_one.sql',
      line: 2,
      code: '42P01',
    });
    expect(await tableExists(p, 'good_one')).toBe(true);
    expect(await tableExists(p, 'never_run')).toBe(false);
    expect((await history(p)).map((row) => row.version)).toContain('20260104100000');
    // Leave the history as the later tests expect it.
    await p.query(`drop table good_one; delete from launchdb.migrations where version = '20260104100000'`);
    for (const name of ['20260104100000_good_one', '20260104200000_bad_one', '20260104300000_never']) {
      rmSync(join(p.project.dir, `db/migrations/${name}.sql`));
    }
  });

  test('a syntax error anywhere means nothing is applied, with file:line:col', async () => {
    p.migration('20260105000000', 'fine', 'create table fine (id int);');
    p.migration('20260106000000', 'typo', 'create table ok (id int);\ncreat table nope (id int);');
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/migrations/20260106000000_typo.sql:2:1');
    expect(result.stderr).toContain('nothing was applied');
    expect(await tableExists(p, 'fine')).toBe(false);
    rmSync(join(p.project.dir, 'db/migrations/20260106000000_typo.sql'));
  });

  test('refuses transaction control inside a migration beyond plain BEGIN … COMMIT blocks', async () => {
    p.migration('20260106100000', 'txn', 'begin;\ncreate table t_txn (id int);\nrollback;');
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '20260106100000_txn.sql:3: transaction control inside a migration: ROLLBACK',
    );
    rmSync(join(p.project.dir, 'db/migrations/20260106100000_txn.sql'));
  });

  test('refuses bad file names and two files with one version', async () => {
    p.project.write('db/migrations/001_init.sql', 'select 1;');
    p.migration('20260105000000', 'fine_twin', 'select 1;');
    const result = await p.cli(['migrate', 'status', '--env', p.env]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/migrations/001_init.sql: expected <yyyymmddhhmmss>_<name>.sql');
    expect(result.stderr).toContain('version 20260105000000 is also');
    rmSync(join(p.project.dir, 'db/migrations/001_init.sql'));
    rmSync(join(p.project.dir, 'db/migrations/20260105000000_fine_twin.sql'));
  });

  test('--dry-run changes nothing and --to stops at a version', async () => {
    p.migration('20260107000000', 'seventh', 'create table seventh (id int);');
    const dry = await p.cli(['migrate', 'up', '--env', p.env, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('pending db/migrations/20260105000000_fine.sql');
    expect(await tableExists(p, 'fine')).toBe(false);
    const to = await p.cli(['migrate', 'up', '--env', p.env, '--to', '20260105000000']);
    expect(to.code).toBe(0);
    expect(await tableExists(p, 'fine')).toBe(true);
    expect(await tableExists(p, 'seventh')).toBe(false);
    expect((await p.cli(['migrate', 'up', '--env', p.env, '--to', '20990101000000'])).code).toBe(2);
  });

  test('status lists every state and --check gates CI', async () => {
    const check = await p.cli(['migrate', 'status', '--env', p.env, '--check', '--json']);
    expect(check.code).toBe(1);
    const status = JSON.parse(check.stdout);
    expect(status.counts).toEqual({ applied: 3, pending: 1, outOfOrder: 0, changed: 0, missing: 0 });
    await p.cli(['migrate', 'up', '--env', p.env]);
    expect((await p.cli(['migrate', 'status', '--env', p.env, '--check'])).code).toBe(0);
  });

  test('refuses out-of-order files unless allowed', async () => {
    p.migration('20260101120000', 'from_branch', 'create table from_branch (id int);');
    const refused = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'older than the newest applied one: db/migrations/20260101120000_from_branch.sql',
    );
    const status = JSON.parse((await p.cli(['migrate', 'status', '--env', p.env, '--json'])).stdout);
    expect(status.counts.outOfOrder).toBe(1);
    const allowed = await p.cli(['migrate', 'up', '--env', p.env, '--allow-out-of-order']);
    expect(allowed.code).toBe(0);
    expect(await tableExists(p, 'from_branch')).toBe(true);
  });

  test('finds edited and deleted applied migrations', async () => {
    expect((await p.cli(['migrate', 'verify', '--env', p.env])).code).toBe(0);
    p.migration('20260101000000', 'users', 'create table users (id bigint primary key, email text);');
    rmSync(join(p.project.dir, 'db/migrations/20260107000000_seventh.sql'));
    const verify = await p.cli(['migrate', 'verify', '--env', p.env, '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).problems).toEqual([
      {
        version: '20260101000000',
        name: 'users',
        problem: 'changed',
        file: 'db/migrations/20260101000000_users.sql',
      },
      { version: '20260107000000', name: 'seventh', problem: 'missing' },
    ]);
    const up = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('changed since: db/migrations/20260101000000_users.sql');
  });
});

describe.each(BACKINGS)('guarded environments and baselines on %s Postgres', (backing) => {
  let p: MigrationProject;
  const test = withMigrationProject(backing, (made) => {
    p = made;
  });

  test('baseline records the migrations without running them, once', async () => {
    await p.query('create table legacy (id int primary key)');
    p.migration('20250101000000', 'legacy', 'create table legacy (id int primary key);');
    const result = await p.cli(['migrate', 'baseline', '--env', p.env]);
    expect(result.code).toBe(0);
    expect((await history(p)).map((row) => [row.version, row.source])).toEqual([
      ['20250101000000', 'baseline'],
    ]);
    expect((await p.cli(['migrate', 'up', '--env', p.env])).stdout).toContain('nothing to apply');
    const again = await p.cli(['migrate', 'baseline', '--env', p.env]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has a migration history');
  });

  test('refuses a database that was never attached', async () => {
    const result = await p.cli(['migrate', 'status', '--env', 'production']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not attached to environment production');
  });

  test('asks for the name of a guarded environment showing what is pending, and prints the plan once it holds the lock', async () => {
    expect((await p.cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    const refused = await p.cli(['migrate', 'up', '--env', 'production']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'pending (the plan is read again under the migration lock): 1 migration',
    );
    expect(refused.stderr).not.toContain('plan: 1 migration');
    expect(refused.stderr).toContain('target: project');
    expect(refused.stderr).toContain('--confirm production');
    const typed = await p.cli(['migrate', 'up', '--env', 'production'], { answers: ['production'] });
    expect(typed.code).toBe(0);
    expect(typed.stderr.indexOf('target: project')).toBeLessThan(typed.stderr.indexOf('plan: 1 migration'));
    expect(typed.stdout).toContain('1 applied');
  });

  test('blocks a guarded environment on lint errors in pending files, unless suppressed in the file', async () => {
    p.migration('20250102000000', 'legacy_index', 'create index legacy_id_idx on legacy (id);');
    const blocked = await p.cli(['migrate', 'up', '--env', 'production', '--confirm', 'production']);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('lint errors block migrating production; nothing was applied');
    expect(blocked.stderr).toContain('20250102000000_legacy_index.sql:1:1: create-index-not-concurrently');
    // An unguarded environment takes it: lint is advice there.
    expect((await p.cli(['migrate', 'up', '--env', p.env])).code).toBe(0);
    p.migration(
      '20250102000000',
      'legacy_index',
      '-- launchdb-lint-ignore create-index-not-concurrently -- legacy is tiny\ncreate index legacy_id_idx on legacy (id);',
    );
    const suppressed = await p.cli(['migrate', 'up', '--env', 'production', '--confirm', 'production']);
    expect(suppressed.code).toBe(0);
  });
});
