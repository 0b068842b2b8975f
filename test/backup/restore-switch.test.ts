// Restoring into a provisioned server environment by switching a fresh database in: the app role
// still connects and passes its checks, and the database keeps its owner and privileges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, until } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

describe.skipIf(!serverAvailable)('backup restore into a provisioned environment', () => {
  let project: TempProject;
  let source: string;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const staging = () => `${project.name}_staging`;
  /** Restored with the admin URL, which may create databases: loaded beside staging, then switched in. */
  const switchRestore = (id: string) =>
    cli(['backup', 'restore', id, '--to', 'staging', '--clean', '--admin-url', SERVER_URL, '--json']);
  const replacedCopies = async () =>
    (
      await adminQuery(`select datname as name from pg_database where datname like $1 order by 1`, [
        `${staging()}_replaced_%`,
      ])
    ).rows.map((row: { name: string }) => row.name);
  const databaseFacts = async () =>
    (
      await adminQuery(
        `select pg_get_userbyid(datdba) as owner, datacl::text as acl from pg_database where datname = $1`,
        [staging()],
      )
    ).rows[0];

  beforeAll(async () => {
    source = uniqueName('ldb_switch_src');
    await adminQuery(`create database ${source}`);
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: { url: '${serverUrlFor(source)}' } },
        staging: { postgres: {} },
      },
    }`);
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    const provisioned = await cli(['attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL]);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    await adminQuery(`${SHOP_APP}\n${shopAppData(100)}`, [], source);
  });

  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${source} with (force)`).catch(() => {});
    if (project) {
      await adminQuery(`drop database if exists ${staging()} with (force)`).catch(() => {});
      for (const role of ['app', 'readonly', 'owner']) {
        await adminQuery(`drop role if exists ${staging()}_${role}`).catch(() => {});
      }
    }
  });

  it('switches the restored copy in, keeping the owner, the privileges and the app role working', async () => {
    const before = await databaseFacts();
    const backup = JSON.parse((await cli(['backup', 'create', '--env', 'development', '--json'])).stdout);
    // Without the admin URL, the owner may not create databases: one transaction.
    const owner = await cli(['backup', 'restore', backup.id, '--to', 'staging', '--json']);
    expect(JSON.parse(owner.stdout)).toMatchObject({ strategy: 'transaction' });
    const restored = await switchRestore(backup.id);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ strategy: 'switch', rows: backup.rows });
    expect(await databaseFacts()).toEqual(before);
    const check = await cli(['check', '--env', 'staging', '--json', '--only', 'provisioning,access']);
    const report = JSON.parse(check.stdout);
    // The source database (made by hand, attached by URL) grants its tables to no app role, so the
    // privilege checks rightly find staging's app role without rights on shop.*: not the restore's doing.
    const privileges = ['access.app-role-privileges', 'access.readonly-role-privileges'];
    expect(
      report.checks.filter(
        (c: { id: string; status: string }) =>
          (c.status === 'fail' || c.status === 'error') && !privileges.includes(c.id),
      ),
    ).toEqual([]);
    const rows = await adminQuery(
      `select (select count(*)::int from shop.users) as users, (select environment from launchdb.environment) as env,
         (select count(*)::int from launchdb.restores) as restores`,
      [],
      staging(),
    );
    expect(rows.rows).toEqual([{ users: 100, env: 'staging', restores: 1 }]);
    // The capture of changes made outside launchdb is put back: a backup does not carry event triggers.
    const triggers = await adminQuery(
      `select evtname, evtenabled from pg_event_trigger where evtname like 'launchdb%' order by evtname`,
      [],
      staging(),
    );
    expect(triggers.rows).toEqual([
      { evtname: 'launchdb_capture_ddl', evtenabled: 'O' },
      { evtname: 'launchdb_capture_drop', evtenabled: 'O' },
    ]);
    // The replaced database is dropped by the server after the command hung up.
    await until(async () => (await replacedCopies()).length === 0, 30_000);
  });

  it('drops a replaced database whose drop did not finish at the next restore of that target', async () => {
    const leftover = `${staging()}_replaced_0123abcd`;
    await adminQuery(`create database ${leftover}`);
    const other = `${source}_replaced_0123abcd`;
    await adminQuery(`create database ${other}`);
    try {
      const backup = JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout)
        .backups[0];
      const restored = await switchRestore(backup.id);
      expect(restored.code, restored.stderr).toBe(0);
      await until(async () => (await replacedCopies()).length === 0, 30_000);
      // Another target's leftovers are not this restore's to drop.
      const kept = await adminQuery(`select count(*)::int as n from pg_database where datname = $1`, [other]);
      expect(kept.rows[0].n).toBe(1);
    } finally {
      await adminQuery(`drop database if exists ${leftover} with (force)`);
      await adminQuery(`drop database if exists ${other} with (force)`);
    }
  });
});
