import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, BACKINGS, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type MigrationProject, withMigrationProject } from './helpers.js';

type Report = { checks: { id: string; status: string; summary: string }[] };
const statusOf = (report: Report, id: string) => report.checks.find((check) => check.id === id);

describe.each(BACKINGS)('the migration checks on %s Postgres', (backing) => {
  let p: MigrationProject;
  const test = withMigrationProject(backing, (made) => {
    p = made;
  });
  const check = async () =>
    JSON.parse((await p.cli(['check', '--env', p.env, '--only', 'schema', '--json'])).stdout) as Report;

  test('skip when the project has no migrations', async () => {
    expect(statusOf(await check(), 'schema.migrations-pending')?.status).toBe('skip');
  });

  test('fail while a migration is pending, pass once applied', async () => {
    p.migration('20260301000000', 'accounts', 'create table accounts (id bigint primary key);');
    const pending = statusOf(await check(), 'schema.migrations-pending')!;
    expect(pending.status).toBe('fail');
    expect(pending.summary).toContain(
      '1 migration(s) not applied: db/migrations/20260301000000_accounts.sql',
    );
    await p.cli(['migrate', 'up', '--env', p.env]);
    expect(statusOf(await check(), 'schema.migrations-pending')?.status).toBe('pass');
    expect(statusOf(await check(), 'schema.migrations-checksum')?.status).toBe('pass');
  });

  test('fail on an out-of-order file', async () => {
    p.migration('20260201000000', 'late', 'create table late (id int);');
    expect(statusOf(await check(), 'schema.migrations-pending')?.summary).toContain(
      'older than the newest applied one',
    );
    rmSync(join(p.project.dir, 'db/migrations/20260201000000_late.sql'));
  });

  test('fail on an applied file that was edited or deleted', async () => {
    p.migration('20260301000000', 'accounts', 'create table accounts (id bigint primary key, name text);');
    expect(statusOf(await check(), 'schema.migrations-checksum')?.summary).toContain(
      '1 edited after being applied',
    );
    rmSync(join(p.project.dir, 'db/migrations/20260301000000_accounts.sql'));
    expect(statusOf(await check(), 'schema.migrations-checksum')?.summary).toContain(
      '1 applied with no file',
    );
  });
});

describe.skipIf(!serverAvailable)('migrations on a provisioned server environment', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(async () => {
    project.remove();
    await adminQuery(`drop database if exists ${project.name}_staging with (force)`);
    for (const role of ['app', 'readonly', 'owner'])
      await adminQuery(`drop role if exists ${project.name}_staging_${role}`);
  });

  it('runs migrations as the owner, and the app role can read their history but not change the schema', async () => {
    const cli = (args: string[]) => runCli(args, { cwd: project.dir });
    expect((await cli(['attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL])).code).toBe(0);
    project.write(
      'db/migrations/20260301000000_accounts.sql',
      'create table accounts (id bigint primary key, name text);',
    );
    const up = await cli(['migrate', 'up', '--env', 'staging']);
    expect(up.code).toBe(0);
    const history = await adminQuery(
      'select applied_by from launchdb.migrations',
      [],
      `${project.name}_staging`,
    );
    expect(history.rows).toEqual([{ applied_by: `${project.name}_staging_owner` }]);
    const report = JSON.parse((await cli(['check', '--env', 'staging', '--json'])).stdout) as Report;
    expect(statusOf(report, 'schema.migrations-pending')?.status).toBe('pass');
    expect(statusOf(report, 'schema.migrations-checksum')?.status).toBe('pass');
    expect(statusOf(report, 'access.app-role-ddl')?.status).toBe('pass');
  });
});
