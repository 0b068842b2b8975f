// `launchdb migrate drift` as a user runs it: refused where nothing was attached, an admin URL by
// flag, and a plain word on why the shadow is embedded when it is.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  adminQuery,
  BACKINGS,
  SERVER_URL,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const MIGRATION = 'create table users (id bigint primary key, email text not null);\n';

describe.each(BACKINGS)('migrate drift on %s Postgres never attached', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let project: TempProject;
  let database: string | undefined;
  beforeAll(async () => {
    if (skip) return;
    database = backing === 'server' ? uniqueName('ldbt_drift_na') : undefined;
    if (database) await adminQuery(`create database ${database}`);
    const store = database ? `{ url: '${serverUrlFor(database)}', adminUrl: '${SERVER_URL}' }` : '{}';
    project = tempProject(`{ project: '{project}', environments: { staging: { postgres: ${store} } } }`);
    project.write('db/migrations/20260101000000_users.sql', MIGRATION);
  });
  afterAll(async () => {
    project?.remove();
    if (database) await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it.skipIf(skip)('is refused (exit 2) as every other command refuses it, naming attach', async () => {
    const result = await runCli(['migrate', 'drift', '--env', 'staging'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is not attached to environment staging');
    expect(result.stderr).toContain('run `launchdb attach postgres --env staging` first');
    expect(result.stderr).not.toContain('difference');
  });
});

describe.skipIf(!serverAvailable)('migrate drift --admin-url', () => {
  let project: TempProject;
  const database = uniqueName('ldbt_drift_admin');
  const weak = uniqueName('ldbt_drift_nocreatedb');
  const drift = (...args: string[]) =>
    runCli(['migrate', 'drift', '--env', 'staging', ...args], { cwd: project.dir });

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    await adminQuery(`create role ${weak} login nocreatedb`);
    project = tempProject(
      `{ project: '{project}', environments: { staging: { postgres: { url: '${serverUrlFor(database)}' } } } }`,
    );
    project.write('db/migrations/20260101000000_users.sql', MIGRATION);
    expect((await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir })).code).toBe(0);
    expect((await runCli(['migrate', 'up', '--env', 'staging'], { cwd: project.dir })).code).toBe(0);
  });
  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
    await adminQuery(`drop role if exists ${weak}`);
  });

  it('says the shadow is embedded for want of an admin URL, and how to give one', async () => {
    const result = await drift();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'note: no admin URL to create the shadow database on the server with (--admin-url, DATABASE_ADMIN_URL or environments.staging.postgres.adminUrl): the shadow is embedded',
    );
    expect(result.stdout).toContain('replayed into an embedded shadow');
  });

  it('creates the shadow on the server with the URL given by --admin-url or --admin-url-file', async () => {
    const result = await drift('--admin-url', SERVER_URL, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ shadow: 'server', drift: [], notes: [] });
    writeFileSync(join(project.dir, 'admin-url'), `${SERVER_URL}\n`);
    const fromFile = await drift('--admin-url-file', join(project.dir, 'admin-url'), '--json');
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ shadow: 'server', drift: [] });
    // How the live schema was had: read in full, or its catalogs' fingerprint found unchanged.
    expect(['read', 'unchanged']).toContain(JSON.parse(fromFile.stdout).liveSchema.source);
  });

  it('says the shadow is embedded because the admin URL may not create databases', async () => {
    const result = await drift('--admin-url', serverUrlFor('postgres', weak));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /note: cannot create a shadow database at .*\(permission denied to create database\): the shadow is embedded/,
    );
    expect(result.stdout).toContain('replayed into an embedded shadow');
  });
});
