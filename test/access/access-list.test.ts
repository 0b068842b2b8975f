// `launchdb access list` and the access checks on a private scram cluster: provisioned roles with the
// services that use them, a hand-made login role as UNKNOWN, people's superusers, personal roles made
// by hand following the convention (one current, one expired), live sessions, and what does not
// belong to this database left out.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import type { AccessList } from '../../src/stores/postgres/access/access-list.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { runCli } from '../helpers/cli.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let cluster: PrivateCluster;
let project: TempProject;
let database: string;
/** Sessions opened as roles under test, ended after the file. */
const sessions: pg.Client[] = [];

interface CheckJson {
  id: string;
  status: string;
  summary: string;
  fix?: string;
  details?: Record<string, unknown>;
}

const PEOPLE = `{
  ada: { email: 'ada@shop.dev', name: 'Ada Lovelace' },
  grace: { email: 'grace@shop.dev', roles: ['grace_dba'] },
  linus: { email: 'linus@shop.dev' },
}`;

/** The config, with the given `access.services` and production owner. */
function writeConfig(options: { services?: string; owner?: string } = {}) {
  const services =
    options.services ??
    `{ web: { role: 'app' }, migrations: { role: 'owner' }, cluster: { role: 'postgres' } }`;
  const owner = options.owner === undefined ? '' : `owner: '${options.owner}',`;
  project.write(
    'launchdb.config.ts',
    `import { defineConfig } from 'launchdb';

export default defineConfig({
  project: '${project.name}',
  environments: {
    production: { postgres: {}, ${owner} },
    staging: { postgres: {} },
  },
  access: { people: ${PEOPLE}, services: ${services}, approvers: ['ada'], maxDirect: 1 },
});
`,
  );
}

const cli = (...args: string[]) => runCli(args, { cwd: project.dir });

async function superuser(sql: string, db = database): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: withCredentials(cluster.superuserUrl, { database: db }) });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A session held open as `role` (password `pw`), as a person at a psql prompt. */
async function openSessionAs(role: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: withCredentials(cluster.superuserUrl, { database, user: role, password: 'pw' }),
  });
  await client.connect();
  sessions.push(client);
  return client;
}

async function accessList(env = 'production'): Promise<AccessList> {
  const result = await cli('access', 'list', '--env', env, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as AccessList;
}

async function accessChecks(): Promise<Record<string, CheckJson>> {
  const result = await cli('check', '--env', 'production', '--only', 'access', '--json');
  const report = JSON.parse(result.stdout) as { checks: CheckJson[] };
  return Object.fromEntries(report.checks.map((check) => [check.id, check]));
}

function role(list: AccessList, name: string) {
  const found = list.roles.find((entry) => entry.name === name);
  if (!found) throw new Error(`role ${name} not listed: ${list.roles.map((entry) => entry.name).join(', ')}`);
  return found;
}

beforeAll(async () => {
  cluster = await startPrivateCluster();
  project = tempProject();
  database = `${project.name}_production`;
  writeConfig({ owner: 'ada' });
  for (const env of ['production', 'staging']) {
    const attached = await cli(
      'attach',
      'postgres',
      '--env',
      env,
      '--admin-url',
      cluster.superuserUrl,
      '--confirm',
      env,
    );
    expect(attached.code, attached.stderr).toBe(0);
  }
  project.write(
    'db/migrations/20260301000000_shop.sql',
    `create table accounts (id bigint generated always as identity primary key, email text not null);
create table orders (id bigint generated always as identity primary key, account_id bigint references accounts (id));
create index on orders (account_id);`,
  );
  const up = await cli('migrate', 'up', '--env', 'production', '--confirm', 'production');
  expect(up.code, up.stderr + up.stdout).toBe(0);

  const p = (person: string) => `${database}_p_${person}`;
  await superuser(`
    -- Made by hand: no person or service is declared for it.
    create role intruder login password 'pw';
    grant connect on database ${database} to intruder;
    grant usage on schema public to intruder;
    grant select on orders to intruder;
    grant insert on accounts to intruder;
    -- Another project's login on the same server: no CONNECT here, so none of this environment's business.
    create role other_project_app login password 'pw';
    -- A person's own role, made by a DBA, as a superuser.
    create role grace_dba login superuser password 'pw';
    -- Personal access by the convention: Ada reads until 2099, Linus wrote until 2020.
    create role ${p('ada')} login password 'pw' valid until '2099-01-01 00:00:00+00' in role ${database}_readonly;
    comment on role ${p('ada')} is 'launchdb personal access: person=ada, level=read, expires=2099-01-01T00:00:00.000Z';
    create role ${p('linus')} login password 'pw' in role ${database}_app;
    comment on role ${p('linus')} is 'launchdb personal access: person=linus, level=write, expires=2020-01-01T00:00:00.000Z';
  `);
  await openSessionAs(p('ada'));
}, 180_000);

afterAll(async () => {
  for (const client of sessions) await client.end().catch(() => {});
  await cluster?.stop();
  project?.remove();
});

describe('launchdb access list', () => {
  it('lists every login role of the database from the catalog, with what it can do and whose it is', async () => {
    const list = await accessList();
    expect(list).toMatchObject({
      environment: 'production',
      guarded: true,
      database,
      dataOwner: { id: 'ada', email: 'ada@shop.dev', name: 'Ada Lovelace' },
      tables: 2,
      pgaudit: { loaded: false, extension: false },
    });

    const app = role(list, `${database}_app`);
    expect(app.belongsTo).toEqual({ kind: 'service', services: ['web'], roleKind: 'app' });
    expect(app).toMatchObject({ superuser: false, bypassRls: false, connectionLimit: 20, validUntil: null });
    expect(app.write).toEqual(['public.accounts', 'public.orders']);
    expect(app.powers).toEqual([]);
    // Default privileges: what the next migration's tables give it (launchdb's own schema left out).
    expect(app.newTables).toEqual([
      { creator: `${database}_owner`, schema: 'public', rights: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'] },
    ]);

    const owner = role(list, `${database}_owner`);
    expect(owner.belongsTo).toEqual({ kind: 'service', services: ['migrations'], roleKind: 'owner' });
    expect(owner.powers[0]).toMatchObject({ role: `${database}_owner`, createOnDatabase: true });
    expect(owner.powers[0]!.owns).toBeGreaterThan(2);

    // No service declares the read-only kind: still launchdb's own, not unknown.
    const readonly = role(list, `${database}_readonly`);
    expect(readonly.belongsTo).toEqual({ kind: 'launchdb', roleKind: 'readonly' });
    expect(readonly.read).toEqual(['public.accounts', 'public.orders']);
    expect(readonly.write).toEqual([]);

    const intruder = role(list, 'intruder');
    expect(intruder.belongsTo).toEqual({ kind: 'unknown' });
    expect(intruder.read).toEqual(['public.orders']);
    expect(intruder.write).toEqual(['public.accounts']);

    const postgres = role(list, 'postgres');
    expect(postgres).toMatchObject({ superuser: true, bootstrap: true, bypassRls: true });
    expect(postgres.belongsTo).toEqual({ kind: 'service', services: ['cluster'] });

    const grace = role(list, 'grace_dba');
    expect(grace).toMatchObject({
      superuser: true,
      bootstrap: false,
      belongsTo: { kind: 'person', person: 'grace' },
    });

    // Personal roles: whose, level and expiry read back from their comment; rights through membership.
    const ada = role(list, `${database}_p_ada`);
    expect(ada.belongsTo).toEqual({ kind: 'person', person: 'ada' });
    expect(ada.personal).toEqual({
      person: 'ada',
      level: 'read',
      expires: '2099-01-01T00:00:00.000Z',
      source: 'comment',
    });
    expect(ada.validUntil).toBe('2099-01-01T00:00:00.000Z');
    expect(ada.memberOf).toEqual([{ role: `${database}_readonly`, inherited: true, superuser: false }]);
    expect(ada.read).toEqual(['public.accounts', 'public.orders']);
    expect(ada.write).toEqual([]);
    expect(ada.sessions).toBe(1);
    const linus = role(list, `${database}_p_linus`);
    expect(linus.personal).toMatchObject({
      person: 'linus',
      level: 'write',
      expires: '2020-01-01T00:00:00.000Z',
    });
    expect(linus.write).toEqual(['public.accounts', 'public.orders']);
    expect(linus.validUntil).toBeNull();

    // A login of the same server without CONNECT on this database is not listed.
    expect(list.roles.map((entry) => entry.name)).not.toContain('other_project_app');
  });

  it('prints a table naming UNKNOWN roles, the data owner and whether pgAudit is loaded', async () => {
    const result = await cli('access', 'list', '--env', 'production');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `access to ${database} on 127.0.0.1:${cluster.port} (environment production, guarded)`,
    );
    expect(result.stdout).toContain('data owner: Ada Lovelace <ada@shop.dev>');
    expect(result.stdout).toMatch(/pgAudit: not loaded/);
    expect(result.stdout).toMatch(
      /ROLE\s+BELONGS TO\s+DDL\s+WRITE\s+READ\s+BYPASS RLS\s+CONN LIMIT\s+VALID UNTIL\s+SESSIONS/,
    );
    const line = (name: string) =>
      result.stdout.split('\n').find((text) => text.startsWith(`${name} `)) ?? '';
    expect(line('intruder')).toMatch(/UNKNOWN\s+-\s+1: public\.accounts\s+1: public\.orders/);
    expect(line(`${database}_p_ada`)).toContain('person ada (read, until 2099-01-01T00:00:00.000Z)');
    expect(line(`${database}_app`)).toMatch(/service web \(app role\)\s+-\s+all 2\s+all 2\s+no\s+20/);
    expect(line('grace_dba')).toMatch(/person grace\s+superuser: every object\s+all 2\s+all 2\s+yes/);
    expect(result.stdout).toContain(`${database}_p_ada: member of ${database}_readonly`);
    expect(result.stdout).toMatch(/1 UNKNOWN/);
  });

  it("judges only the roles that can log in to this environment's database", async () => {
    const staging = await accessList('staging');
    const names = staging.roles.map((entry) => entry.name);
    expect(names).toContain(`${project.name}_staging_app`);
    expect(names).not.toContain('intruder');
    expect(names).not.toContain(`${database}_p_ada`);
    // Superusers can log in everywhere.
    expect(names).toContain('grace_dba');
    expect(role(staging, `${project.name}_staging_app`).belongsTo).toEqual({
      kind: 'service',
      services: ['web'],
      roleKind: 'app',
    });
  });
});

describe('the access checks', () => {
  it('fail an unknown login in a guarded environment, naming it and what it can do', async () => {
    const checks = await accessChecks();
    const unknown = checks['access.unknown-roles']!;
    expect(unknown.status).toBe('fail');
    expect(unknown.summary).toBe(
      '1 login role(s) belong to no declared person or service: intruder (writes 1 table, reads 1)',
    );
    expect(unknown.fix).toContain('access.services');
    expect(unknown.fix).toContain('drop role "intruder";');
    expect(JSON.stringify(unknown.details)).not.toContain('other_project_app');
  });

  it('warn about a person with superuser, and too many people with direct access', async () => {
    const checks = await accessChecks();
    expect(checks['access.superusers']).toMatchObject({
      status: 'warn',
      summary: 'person grace logs in as superuser grace_dba',
      fix: 'give people the access they need, not a superuser (as an admin): alter role "grace_dba" nosuperuser;',
    });
    const direct = checks['access.direct-access-count']!;
    expect(direct.status).toBe('warn');
    expect(direct.summary).toBe(
      "3 people have direct access to production's data (ada, grace, linus); 2 of them can change it (grace, linus); pgAudit is not loaded on this server, so what they do there is not logged; more than access.maxDirect (1)",
    );
  });

  it('fail an expired personal role that can still log in, and warn one whose password never expires', async () => {
    const checks = await accessChecks();
    const expired = checks['access.expired-grants']!;
    expect(expired.status).toBe('fail');
    expect(expired.summary).toBe(
      `${database}_p_linus (linus, write) expired 2020-01-01T00:00:00.000Z and can still log in`,
    );
    expect(expired.fix).toContain(`alter role "${database}_p_linus" nologin;`);
    expect(checks['access.personal-password-expiry']).toMatchObject({
      status: 'warn',
      summary: `${database}_p_linus (linus) has no VALID UNTIL: the password never expires`,
      fix: `set one (as an admin): alter role "${database}_p_linus" valid until '2020-01-01T00:00:00.000Z';`,
    });
    expect(checks['access.data-owner']).toMatchObject({
      status: 'pass',
      summary: 'data owner of production: Ada Lovelace <ada@shop.dev>',
    });
  });

  it('still fail an expired role that cannot log in any more while its session lives on', async () => {
    const linus = await openSessionAs(`${database}_p_linus`);
    await superuser(`alter role ${database}_p_linus nologin valid until '2020-01-01 00:00:00+00'`);
    const list = await accessList();
    expect(role(list, `${database}_p_linus`)).toMatchObject({ canLogin: false, sessions: 1 });
    let checks = await accessChecks();
    expect(checks['access.expired-grants']).toMatchObject({
      status: 'fail',
      summary: `${database}_p_linus (linus, write) expired 2020-01-01T00:00:00.000Z and still has 1 session(s)`,
    });
    expect(checks['access.personal-password-expiry']!.status).toBe('pass');

    await linus.end();
    checks = await accessChecks();
    expect(checks['access.expired-grants']).toMatchObject({
      status: 'pass',
      summary: 'none of the 1 personal role(s) is past its expiry',
    });
  });

  it('pass once the unknown login is gone, and only warn about an undeclared bootstrap superuser', async () => {
    await superuser('drop owned by intruder; drop role intruder');
    let checks = await accessChecks();
    expect(checks['access.unknown-roles']).toMatchObject({ status: 'pass' });
    expect(checks['access.unknown-roles']!.summary).toMatch(/^each of the \d+ role\(s\) that can log in to/);

    writeConfig({ owner: 'ada', services: `{ web: { role: 'app' }, migrations: { role: 'owner' } }` });
    checks = await accessChecks();
    expect(checks['access.unknown-roles']).toMatchObject({
      status: 'warn',
      summary:
        "postgres is the server's bootstrap superuser (made with the cluster) and nobody is declared to hold it",
    });
  });

  it('fail a guarded environment that names no data owner, and say it in the report header when it does', async () => {
    writeConfig({});
    let checks = await accessChecks();
    expect(checks['access.data-owner']).toMatchObject({
      status: 'fail',
      summary: 'production is guarded and names no data owner: nobody answers for its data',
    });
    const staging = await cli('check', '--env', 'staging', '--only', 'access', '--json');
    const stagingOwner = (JSON.parse(staging.stdout) as { checks: CheckJson[] }).checks.find(
      (check) => check.id === 'access.data-owner',
    );
    expect(stagingOwner).toMatchObject({
      status: 'skip',
      summary: 'no data owner named; required in guarded environments (production)',
    });

    writeConfig({ owner: 'ada' });
    checks = await accessChecks();
    expect(checks['access.data-owner']!.status).toBe('pass');
    const text = await cli('check', '--env', 'production', '--only', 'access');
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      `Readiness of ${project.name}, environment production`,
      'data owner: Ada Lovelace <ada@shop.dev>',
    ]);
    const json = JSON.parse((await cli('check', '--env', 'production', '--only', 'access', '--json')).stdout);
    expect(json.owner).toEqual({ id: 'ada', email: 'ada@shop.dev', name: 'Ada Lovelace' });
    // The secrets attach wrote are never printed.
    const password = new URL(readSecrets(join(project.dir, '.launchdb'), 'production').DATABASE_URL!)
      .password;
    expect(text.stdout).not.toContain(password);
  });
});
