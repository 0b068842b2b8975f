// Collections on the shared Postgres server, provisioned as in production (`attach postgres
// --admin-url`: owner, app and read-only roles): attach documents creates the tables as the owner and
// grants them to the app role, whose writes RLS then stops; the checks pass as the app role and fail
// on a policy letting that role update every row. Its own database and roles, dropped after.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, queryAt, SERVER_URL, serverUrlFor } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
let database: string;

beforeAll(async () => {
  project = tempProject(`{
  project: '{project}',
  environments: {
    staging: { postgres: {}, documents: { schema: 'docs', collections: {
      profiles: { indexes: [{ fields: ['handle'], unique: true }] },
    } } },
  },
}`);
  database = `${project.name}_staging`;
  const attached = await runCli(['attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL], {
    cwd: project.dir,
  });
  expect(attached.code, attached.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  if (database) {
    await adminQuery(`drop database if exists ${database} with (force)`);
    for (const kind of ['app', 'readonly', 'owner'])
      await adminQuery(`drop role if exists ${database}_${kind}`);
  }
  project?.remove();
});

async function check() {
  const result = await runCli(['check', '--env', 'staging', '--only', 'documents', '--json', '--no-record'], {
    cwd: project.dir,
  });
  const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; summary: string }[] };
  return { code: result.code, byId: Object.fromEntries(report.checks.map((entry) => [entry.id, entry])) };
}

describe('documents on a provisioned server', () => {
  it('attach creates the tables as the owner and grants them to the app role, whose writes RLS stops', async () => {
    const result = await runCli(['attach', 'documents', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const attached = JSON.parse(result.stdout);
    expect(attached).toMatchObject({
      backing: 'server',
      location: `127.0.0.1:5432/${database} schema docs`,
      marked: true,
      provisioned: {
        created: [
          'schema docs',
          'table docs.profiles (row-level security on) for profiles',
          'index profiles_handle_key on docs.profiles',
        ],
      },
    });
    const [owner] = (
      await adminQuery(
        `select tableowner from pg_tables where schemaname = 'docs' and tablename = 'profiles'`,
        [],
        database,
      )
    ).rows;
    expect(owner.tableowner).toBe(`${database}_owner`);
    const appUrl = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL as string;
    // Granted, so it reads (nothing: no policy yet) …
    expect((await queryAt(appUrl, 'select count(*)::int as n from docs.profiles')).rows[0].n).toBe(0);
    // … and RLS refuses its writes until the app writes its policies.
    await expect(
      queryAt(appUrl, `insert into docs.profiles (id, data) values ('p1', '{"handle": "ada"}')`),
    ).rejects.toThrow(/row-level security/);
  });

  it('the checks pass as the app role, and fail on a policy letting it update every row', async () => {
    const passing = await check();
    expect(passing.byId['documents.collections']?.status).toBe('pass');
    expect(passing.byId['documents.indexes']?.status).toBe('pass');
    expect(passing.byId['documents.rls']?.status).toBe('pass');
    expect(passing.code).toBe(0);

    await adminQuery(
      `create policy app_updates on docs.profiles for update to ${database}_app using (true)`,
      [],
      database,
    );
    const failing = await check();
    expect(failing.byId['documents.rls']).toMatchObject({
      status: 'fail',
      summary: `docs.profiles: policy app_updates lets ${database}_app UPDATE every row (true)`,
    });
    expect(failing.code).toBe(1);
  });

  it('a collection table dropped: documents.collections fails naming it; attach recreates it', async () => {
    await adminQuery('drop table docs.profiles', [], database);
    const { byId } = await check();
    expect(byId['documents.collections']).toMatchObject({
      status: 'fail',
      summary: 'profiles: table docs.profiles is not there',
    });
    const attached = await runCli(['attach', 'documents', '--env', 'staging', '--json'], {
      cwd: project.dir,
    });
    expect(JSON.parse(attached.stdout).provisioned.created).toEqual([
      'table docs.profiles (row-level security on) for profiles',
      'index profiles_handle_key on docs.profiles',
    ]);
    expect((await check()).byId['documents.collections']?.status).toBe('pass');
  });

  it('an app connecting as the tables’ owner is not bound by RLS unless it is forced', async () => {
    const ownerUrl = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_MIGRATION_URL as string;
    const owned = tempProject(`{ project: '${project.name}', environments: { staging: {
      postgres: { url: '${ownerUrl}' }, documents: { schema: 'owned', collections: { notes: {} } } } } }`);
    try {
      const attached = await runCli(['attach', 'documents', '--env', 'staging'], { cwd: owned.dir });
      expect(attached.code, attached.stderr).toBe(0);
      const args = ['check', '--env', 'staging', '--only', 'documents', '--json', '--no-record'];
      const rlsOf = async () =>
        JSON.parse((await runCli(args, { cwd: owned.dir })).stdout).checks.find(
          (entry: { id: string }) => entry.id === 'documents.rls',
        );
      expect(await rlsOf()).toMatchObject({
        status: 'fail',
        summary: `owned.notes: the app connects as its owner ${database}_owner, whom row-level security does not bind (not forced)`,
      });
      await adminQuery('alter table owned.notes force row level security', [], database);
      expect((await rlsOf()).status).toBe('pass');
    } finally {
      owned.remove();
    }
  });

  it('another environment pointed at this schema: attach refuses it (exit 2), documents.collections fails', async () => {
    const appUrl = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL as string;
    const other = tempProject(`{ project: '${project.name}', environments: { production: {
      postgres: { url: '${appUrl}' }, documents: { schema: 'docs', collections: { profiles: {} } } } } }`);
    try {
      const attached = await runCli(
        ['attach', 'documents', '--env', 'production', '--confirm', 'production'],
        {
          cwd: other.dir,
        },
      );
      expect(attached.code).toBe(2);
      expect(attached.stderr).toContain(
        `schema docs is already attached to environment "staging" of project "${project.name}"; refusing to use it as "production"`,
      );
      const result = await runCli(
        ['check', '--env', 'production', '--only', 'documents', '--json', '--no-record'],
        {
          cwd: other.dir,
        },
      );
      const collections = JSON.parse(result.stdout).checks.find(
        (entry: { id: string }) => entry.id === 'documents.collections',
      );
      expect(collections).toMatchObject({
        status: 'fail',
        summary: `schema docs holds the documents of ${project.name}/staging, not ${project.name}/production`,
      });
    } finally {
      other.remove();
    }
  });

  it('a database that does not answer: documents.reachable fails and check exits 3', async () => {
    const url = serverUrlFor(database).replace(':5432', ':1');
    const down = tempProject(`{ project: '{project}', environments: { staging: {
      postgres: { url: '${url}', connectTimeout: 2000 }, documents: { collections: { profiles: {} } } } } }`);
    try {
      const result = await runCli(
        ['check', '--env', 'staging', '--only', 'documents', '--json', '--no-record'],
        {
          cwd: down.dir,
        },
      );
      const reachable = JSON.parse(result.stdout).checks.find(
        (entry: { id: string }) => entry.id === 'documents.reachable',
      );
      expect(reachable).toMatchObject({ status: 'fail', summary: expect.stringMatching(/127\.0\.0\.1:1/) });
      expect(result.code).toBe(3);
    } finally {
      down.remove();
    }
  });
});
