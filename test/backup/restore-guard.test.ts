// A restore's target is judged by the database, not by how it was named: a URL reaching production's
// database is production (confirmed, and restored as production, its roles working after); a URL that
// names no database, the server's own databases, and databases launchdb did not create are refused
// unless named and confirmed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.runIf(serverAvailable)('backup restore --to URL', () => {
  let project: TempProject;
  let stagingBackup: string;
  const databases: string[] = [];
  const cli = (...argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
  const production = () => `${project.name}_production`;

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: {
        staging: { postgres: { adminUrl: '${SERVER_URL}' } },
        production: { postgres: { adminUrl: '${SERVER_URL}' } },
      },
    }`);
    databases.push(`${project.name}_staging`, production());
    project.write(
      'db/migrations/20260101000000_orders.sql',
      'create table orders (id int primary key, total int);\n',
    );
    for (const env of ['staging', 'production']) {
      expect((await cli('attach', 'postgres', '--env', env, '--confirm', env)).code).toBe(0);
      expect((await cli('migrate', 'up', '--env', env, '--confirm', env)).code).toBe(0);
    }
    await adminQuery('insert into orders values (1, 10), (2, 20)', [], `${project.name}_staging`);
    await adminQuery('insert into orders values (99, 990)', [], production());
    const created = await cli('backup', 'create', '--env', 'staging', '--json');
    expect(created.code, created.stderr).toBe(0);
    stagingBackup = JSON.parse(created.stdout).id;
  }, 120_000);

  afterAll(async () => {
    for (const database of databases) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  const orders = async (database: string) =>
    (await adminQuery('select id from orders order by id', [], database)).rows.map((row) => row.id);

  it('refuses a URL that names no database, before connecting to anything', async () => {
    const result = await cli(
      'backup',
      'restore',
      stagingBackup,
      '--to',
      'postgresql://postgres@127.0.0.1:5432/',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to names no database');
    expect(result.stderr).toContain('add /DATABASE to the URL');
  });

  it("refuses the server's own postgres database unless its name is confirmed", async () => {
    const result = await cli('backup', 'restore', stagingBackup, '--to', serverUrlFor('postgres'), '--clean');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("database postgres, one of the server's own");
    expect(result.stderr).toContain('refusing to change');
    expect(result.stderr).toContain('--confirm postgres');
    const wrong = await cli(
      'backup',
      'restore',
      stagingBackup,
      '--to',
      serverUrlFor('postgres'),
      '--clean',
      '--confirm',
      'production',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--confirm production does not match');
  });

  it('refuses a database launchdb did not create that holds data without --clean, then without its name', async () => {
    const foreign = uniqueName('ldb_foreign');
    databases.push(foreign);
    await adminQuery(`create database ${foreign}`);
    await adminQuery('create table keep_me (id int); insert into keep_me values (1)', [], foreign);
    const url = serverUrlFor(foreign);
    const unclean = await cli('backup', 'restore', stagingBackup, '--to', url);
    expect(unclean.code).toBe(2);
    expect(unclean.stderr).toContain('holds 1 relations and is not an environment of project');
    const unconfirmed = await cli('backup', 'restore', stagingBackup, '--to', url, '--clean');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain(`database ${foreign}, which launchdb did not create`);
    expect((await adminQuery('select count(*)::int as n from keep_me', [], foreign)).rows[0].n).toBe(1);

    const typed = await runCli(['backup', 'restore', stagingBackup, '--to', url, '--clean'], {
      cwd: project.dir,
      answers: [foreign],
    });
    expect(typed.code, typed.stderr).toBe(0);
    expect(await orders(foreign)).toEqual([1, 2]);
  });

  it('an empty database launchdb did not create still needs its name', async () => {
    const scratch = uniqueName('ldb_scratch');
    databases.push(scratch);
    await adminQuery(`create database ${scratch}`);
    const refused = await cli('backup', 'restore', stagingBackup, '--to', serverUrlFor(scratch));
    expect(refused.code).toBe(2);
    const done = await cli(
      'backup',
      'restore',
      stagingBackup,
      '--to',
      serverUrlFor(scratch),
      '--confirm',
      scratch,
    );
    expect(done.code, done.stderr).toBe(0);
    expect(await orders(scratch)).toEqual([1, 2]);
  });

  it("is production when the URL reaches production's database, and restores it as production", async () => {
    const secrets = readSecrets(`${project.dir}/.launchdb`, 'production');
    const byOwner = await cli(
      'backup',
      'restore',
      stagingBackup,
      '--to',
      secrets.DATABASE_MIGRATION_URL!,
      '--clean',
    );
    expect(byOwner.code).toBe(2);
    expect(byOwner.stderr).toContain(`is environment production's database`);
    expect(byOwner.stderr).toContain(
      'refusing to change guarded environment production without confirmation',
    );
    expect(await orders(production())).toEqual([99]);

    const result = await cli(
      'backup',
      'restore',
      stagingBackup,
      '--to',
      serverUrlFor(production()),
      '--clean',
      '--confirm',
      'production',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('into production');
    expect(await orders(production())).toEqual([1, 2]);
    // Restored as production: its marker, and production's own roles may use what they used before.
    const marker = await adminQuery('select environment from launchdb.environment', [], production());
    expect(marker.rows[0].environment).toBe('production');
    const app = new pg.Client({ connectionString: secrets.DATABASE_URL });
    await app.connect();
    try {
      await app.query('select count(*) from launchdb.environment');
      await app.query('insert into orders values (3, 30)');
    } finally {
      await app.end();
    }
    const check = await cli('check', '--env', 'production', '--only', 'provisioning', '--json');
    const readWrite = JSON.parse(check.stdout).checks.find(
      (entry: { id: string }) => entry.id === 'provisioning.read-write',
    );
    expect(readWrite.status).toBe('pass');
  });
});

describe('backup prune on a guarded environment', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: {} } },
      backups: { retention: { daily: 1 } },
    }`);
    expect(
      (
        await runCli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'], {
          cwd: project.dir,
        })
      ).code,
    ).toBe(0);
    for (let i = 0; i < 2; i++) {
      expect((await runCli(['backup', 'create', '--env', 'production'], { cwd: project.dir })).code).toBe(0);
    }
  }, 120_000);
  afterAll(() => project?.remove());

  const list = async () =>
    JSON.parse(
      (await runCli(['backup', 'list', '--env', 'production', '--json'], { cwd: project.dir })).stdout,
    ).backups.length;

  it('deletes nothing with --yes alone, and deletes once the name is confirmed', async () => {
    const refused = await runCli(['backup', 'prune', '--env', 'production', '--yes'], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'refusing to change guarded environment production without confirmation',
    );
    expect(await list()).toBe(2);
    const done = await runCli(
      ['backup', 'prune', '--env', 'production', '--yes', '--confirm', 'production'],
      {
        cwd: project.dir,
      },
    );
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('deleted 1 backup(s) of production');
    expect(await list()).toBe(1);
  });
});
