// kill -9 in the middle: a backup never shows as complete (and the next run cleans it up), and a
// restore leaves its target exactly as it was.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBin, runCli, until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.skipIf(!serverAvailable)('kill -9 during backup and restore', () => {
  let project: TempProject;
  const databases: Record<string, string> = {};
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const backupsDir = () => join(project.dir, '.launchdb', 'backups', 'development');

  beforeAll(async () => {
    for (const env of ['development', 'staging']) {
      databases[env] = uniqueName('ldb_kill');
      await adminQuery(`create database ${databases[env]}`);
    }
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: { url: '${serverUrlFor(databases.development!)}' } },
        staging: { postgres: { url: '${serverUrlFor(databases.staging!)}' } },
      },
    }`);
    for (const env of ['development', 'staging'])
      expect((await cli(['attach', 'postgres', '--env', env])).code).toBe(0);
    // Large enough that both commands are caught in the middle.
    await adminQuery(
      `create table public.big (id int primary key, h text, pad text);
       insert into public.big select i, md5(i::text), repeat(md5(i::text), 6) from generate_series(1, 600000) i;
       create table public.small (id int); insert into public.small values (1);`,
      [],
      databases.development,
    );
    await adminQuery(
      'create table public.keep_me (id int); insert into public.keep_me values (42)',
      [],
      databases.staging,
    );
  });

  afterAll(async () => {
    project?.remove();
    for (const name of Object.values(databases))
      await adminQuery(`drop database if exists ${name} with (force)`).catch(() => {});
  });

  it('lists no complete backup after kill -9, and the next backup cleans the leftovers', async () => {
    const { child, exited } = launchBin(
      ['backup', 'create', '--env', 'development', '--workers', '1'],
      project.dir,
    );
    // Killed once it has written part of the big table.
    await until(() => {
      if (!existsSync(backupsDir())) return false;
      const partial = readdirSync(backupsDir()).find((name) => name.endsWith('.partial'));
      const data = partial && join(backupsDir(), partial, 'data');
      return Boolean(
        data &&
          existsSync(data) &&
          readdirSync(data).some((file) => statSync(join(data, file)).size > 100_000),
      );
    });
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    expect(readdirSync(backupsDir()).some((name) => name.endsWith('.partial'))).toBe(true);
    const listed = JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout);
    expect(listed.backups).toEqual([]);

    const next = await cli(['backup', 'create', '--env', 'development']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('a stopped process left unfinished');
    expect(readdirSync(backupsDir()).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(
      JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout).backups,
    ).toHaveLength(1);
  });

  it('leaves the target as it was when the restore is killed, and the next restore clears what it left', async () => {
    const [id] = readdirSync(backupsDir()).filter((name) => !name.startsWith('.'));
    const { child, exited } = launchBin(
      ['backup', 'restore', id!, '--to', 'staging', '--clean'],
      project.dir,
    );
    // The owner may create databases: the backup loads into a fresh one beside staging.
    const fresh = `${databases.staging}_restore_%`;
    await until(async () => {
      const { rows } = await adminQuery(
        `select count(*)::int as n from pg_stat_activity where datname like $1 and query ilike 'copy%from stdin%'`,
        [fresh],
      );
      return rows[0].n > 0;
    });
    child.kill('SIGKILL');
    await exited;
    await until(async () => {
      const { rows } = await adminQuery(
        `select count(*)::int as n from pg_stat_activity where (datname = $1 or datname like $2) and pid <> pg_backend_pid()`,
        [databases.staging, fresh],
      );
      return rows[0].n === 0;
    });
    const { rows } = await adminQuery(
      `select (select array_agg(id) from public.keep_me) as kept, to_regclass('public.big') as big`,
      [],
      databases.staging,
    );
    expect(rows).toEqual([{ kept: [42], big: null }]);
    const left = await adminQuery('select count(*)::int as n from pg_database where datname like $1', [
      fresh,
    ]);
    expect(left.rows[0].n).toBe(1);

    const again = await cli(['backup', 'restore', id!, '--to', 'staging', '--clean', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ strategy: 'switch', to: 'staging' });
    const after = await adminQuery(
      `select to_regclass('public.keep_me') as kept, (select count(*)::int from public.big) as big,
         (select environment from launchdb.environment) as environment`,
      [],
      databases.staging,
    );
    expect(after.rows).toEqual([{ kept: null, big: 600000, environment: 'staging' }]);
    // The replaced database is dropped by the server once the command has hung up.
    await until(async () => {
      const none = await adminQuery(
        `select count(*)::int as n from pg_database where datname like $1 or datname like $2`,
        [fresh, `${databases.staging}_replaced_%`],
      );
      return none.rows[0].n === 0;
    }, 30_000);
  });
});
