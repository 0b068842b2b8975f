// Personal, time-limited access on a private scram cluster, proven with real logins: each level
// (read cannot write, write cannot change the schema, admin only after SET ROLE), requests and
// approvals in a guarded environment (the requester cannot approve, an approver can, the access
// time starts at approval and ends), `access expire` ending a live session, `access revoke` leaving
// nothing behind (or naming what elsewhere keeps the role, never half-dropping it), one audit event
// per command, and bad input refused in one line with nothing changed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let cluster: PrivateCluster;
let project: TempProject;
/** Sessions opened during the file, ended after it. */
const clients: pg.Client[] = [];

const db = (env: 'staging' | 'production') => `${project.name}_${env}`;
const role = (env: 'staging' | 'production', person: string) => `${db(env)}_p_${person}`;

/** Runs launchdb as `actor` (LAUNCHDB_ACTOR), as a person at their terminal would. */
async function cli(args: string[], actor = 'ops@shop.dev'): Promise<CliResult> {
  process.env.LAUNCHDB_ACTOR = actor;
  try {
    return await runCli(args, { cwd: project.dir });
  } finally {
    delete process.env.LAUNCHDB_ACTOR;
  }
}

async function superuser(sql: string, database: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: withCredentials(cluster.superuserUrl, { database }) });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A session held open with `url`, as a person at a psql prompt. */
async function login(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a terminated session reports here; the test asserts on its queries
  await client.connect();
  clients.push(client);
  return client;
}

/** The URL `access grant` wrote to the person's 0600 file. */
function secretUrl(env: string, person: string): string {
  const file = join(project.dir, '.launchdb', 'secrets', `access-${env}-${person}.env`);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('DATABASE_URL='));
  return JSON.parse(line!.slice('DATABASE_URL='.length)) as string;
}

/** The environment's audit events of access commands: action and result, oldest first. */
async function accessEvents(env: 'staging' | 'production') {
  const { rows } = await superuser(
    `select event::jsonb as event from launchdb.audit
      where event::jsonb->>'action' like 'access %' order by seq`,
    db(env),
  );
  return rows.map(
    (row) => row.event as { action: string; result: { status: string }; details?: Record<string, unknown> },
  );
}

async function roleRow(name: string) {
  const { rows } = await superuser(
    `select rolcanlogin, rolsuper, rolinherit, shobj_description(oid, 'pg_authid') as comment
       from pg_roles where rolname = $1`,
    'postgres',
    [name],
  );
  return rows[0] as
    | { rolcanlogin: boolean; rolsuper: boolean; rolinherit: boolean; comment: string }
    | undefined;
}

/** Live sessions of `role` on the cluster. */
async function sessionsOf(name: string): Promise<number> {
  const { rows } = await superuser(
    'select count(*)::int as n from pg_stat_activity where usename = $1',
    'postgres',
    [name],
  );
  return rows[0].n as number;
}

/** What a refused command must leave as it was: personal roles, requests. */
async function accessState(env: 'staging' | 'production'): Promise<string> {
  const { rows } = await superuser(
    `select (select json_agg(json_build_object(rolname, rolcanlogin) order by rolname) from pg_roles
              where starts_with(rolname, current_database() || '_p_')) as roles,
            (select json_agg(r order by id) from launchdb.access_requests r) as requests`,
    db(env),
  ).catch(async () =>
    superuser(
      `select json_agg(json_build_object(rolname, rolcanlogin) order by rolname) as roles from pg_roles
        where starts_with(rolname, current_database() || '_p_')`,
      db(env),
    ),
  );
  return JSON.stringify(rows[0]);
}

beforeAll(async () => {
  cluster = await startPrivateCluster();
  project = tempProject(`{
    project: '{project}',
    environments: {
      staging: { postgres: { adminUrl: '${cluster.superuserUrl}' } },
      production: { postgres: { adminUrl: '${cluster.superuserUrl}' }, owner: 'ada' },
      dev: { postgres: {} },
    },
    access: {
      people: {
        ada: { email: 'ada@shop.dev', name: 'Ada Lovelace' },
        grace: { email: 'grace@shop.dev' },
        linus: { email: 'linus@shop.dev' },
        mary: { email: 'mary@shop.dev' },
      },
      services: { web: { role: 'app' }, migrations: { role: 'owner' } },
      approvers: ['ada', 'grace'],
      maxGrant: '8h',
    },
  }`);
  project.write(
    'db/migrations/20260301000000_shop.sql',
    'create table accounts (id bigint generated always as identity primary key, email text not null);\n',
  );
  for (const env of ['staging', 'production']) {
    const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
    expect(attached.code, attached.stderr).toBe(0);
    const up = await cli(['migrate', 'up', '--env', env, '--confirm', env]);
    expect(up.code, up.stderr + up.stdout).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => {});
  await cluster?.stop();
  project?.remove();
});

describe('access grant, in an unguarded environment', () => {
  it('read: a member of the read-only role, its URL in a 0600 file; it reads and cannot write', async () => {
    const before = (await accessEvents('staging')).length;
    const result = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'linus',
      '--level',
      'read',
      '--for',
      '4h',
      '--reason',
      'INC-42: check refunds',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `granted linus read access to 127.0.0.1:${cluster.port}/${db('staging')}`,
    );
    expect(result.stdout).toContain(`as role ${role('staging', 'linus')}`);
    expect(result.stdout).toContain('pgAudit is not loaded on this server');
    expect(result.stdout).toContain('.launchdb/secrets/access-staging-linus.env (mode 0600');

    const file = join(project.dir, '.launchdb', 'secrets', 'access-staging-linus.env');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const url = secretUrl('staging', 'linus');
    const password = decodeURIComponent(new URL(url).password);
    expect(password.length).toBeGreaterThan(20);
    expect(result.stdout + result.stderr).not.toContain(password);

    const row = await roleRow(role('staging', 'linus'));
    expect(row).toMatchObject({ rolcanlogin: true, rolsuper: false, rolinherit: true });
    expect(row!.comment).toMatch(/^launchdb personal access: person=linus, level=read, expires=/);

    const linus = await login(url);
    expect((await linus.query('select count(*)::int as n from accounts')).rows[0].n).toBe(0);
    await expect(linus.query(`insert into accounts (email) values ('x@shop.dev')`)).rejects.toThrow(
      /read-only transaction/,
    );
    // Not only the read-only default: the membership gives no INSERT.
    await linus.query('begin read write');
    await expect(linus.query(`insert into accounts (email) values ('x@shop.dev')`)).rejects.toThrow(
      /permission denied for table accounts/,
    );
    await linus.query('rollback');

    const events = await accessEvents('staging');
    expect(events.length - before).toBe(1);
    expect(events.at(-1)).toMatchObject({
      action: 'access grant',
      result: { status: 'ok' },
      details: {
        person: 'linus',
        level: 'read',
        role: role('staging', 'linus'),
        reason: 'INC-42: check refunds',
      },
    });
    const trail = await superuser(
      "select string_agg(event, '\n') as text from launchdb.audit",
      db('staging'),
    );
    expect(trail.rows[0].text).not.toContain(password);
  });

  it('write: a member of the app role; it writes and cannot change the schema', async () => {
    const result = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'grace',
      '--level',
      'write',
      '--for',
      '1h',
      '--reason',
      'fix a refund by hand',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const grace = await login(secretUrl('staging', 'grace'));
    await grace.query(`insert into accounts (email) values ('grace@shop.dev')`);
    await expect(grace.query('create table notes (id int)')).rejects.toThrow(
      /permission denied for schema public/,
    );
    await expect(grace.query('alter table accounts add column note text')).rejects.toThrow(
      /must be owner of table accounts/,
    );
  });

  it('admin: owner rights only after SET ROLE, with --print-secrets showing the URL once and writing no file', async () => {
    const result = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'ada',
      '--level',
      'admin',
      '--for',
      '30m',
      '--reason',
      'add an index by hand',
      '--print-secrets',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const url = /DATABASE_URL=(\S+)/.exec(result.stdout)?.[1];
    expect(url).toMatch(new RegExp(`^postgresql://${role('staging', 'ada')}:`));
    expect(result.stdout.split(new URL(url!).password).length - 1).toBe(1);
    expect(result.stdout).toContain(`SET ROLE ${db('staging')}_owner`);
    expect(existsSync(join(project.dir, '.launchdb', 'secrets', 'access-staging-ada.env'))).toBe(false);
    expect(await roleRow(role('staging', 'ada'))).toMatchObject({ rolsuper: false, rolinherit: false });

    const ada = await login(url!);
    await expect(ada.query('select count(*) from accounts')).rejects.toThrow(
      /permission denied for table accounts/,
    );
    await expect(ada.query('create index on accounts (email)')).rejects.toThrow(
      /must be owner|permission denied/,
    );
    await ada.query(`set role ${db('staging')}_owner`);
    expect((await ada.query('select count(*)::int as n from accounts')).rows[0].n).toBe(1);
    await ada.query('create index accounts_email on accounts (email)');
    await ada.query('reset role');
  });

  it('granting again updates the role: new level and expiry, the same password', async () => {
    const url = secretUrl('staging', 'grace');
    const result = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'grace',
      '--level',
      'read',
      '--for',
      '2h',
      '--reason',
      'only reading now',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('updated grace read access');
    expect(result.stdout).toContain('grace had this role already (write until');
    const grace = await login(url);
    await grace.query('begin read write');
    await expect(grace.query(`insert into accounts (email) values ('y@shop.dev')`)).rejects.toThrow(
      /permission denied/,
    );
    await grace.query('rollback');
  });
});

describe('requests and approvals, in a guarded environment', () => {
  it('refuses a direct grant, pointing at access request; nothing changed', async () => {
    const before = await accessState('production');
    const result = await cli([
      'access',
      'grant',
      '--env',
      'production',
      '--person',
      'linus',
      '--level',
      'read',
      '--for',
      '1h',
      '--reason',
      'look',
      '--confirm',
      'production',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'error: environment production is guarded: access to it is requested and approved, not granted; nothing was changed',
    );
    expect(result.stderr).toContain(
      'launchdb access request --env production --person linus --level read --for 1h',
    );
    expect(await accessState('production')).toBe(before);
  });

  it('a request approved by its requester is refused; by another approver it gives access from the approval', async () => {
    const asked = await cli(
      [
        'access',
        'request',
        '--env',
        'production',
        '--person',
        'linus',
        '--level',
        'read',
        '--for',
        '3s',
        '--reason',
        'INC-43: compare totals',
        '--json',
      ],
      'ada@shop.dev',
    );
    expect(asked.code, asked.stderr).toBe(0);
    const request = JSON.parse(asked.stdout) as { id: number; state: string; requestedByPerson: string };
    expect(request).toMatchObject({ state: 'pending', requestedByPerson: 'ada' });
    expect(await roleRow(role('production', 'linus'))).toBeUndefined();

    const before = await accessState('production');
    const self = await cli(
      ['access', 'approve', String(request.id), '--env', 'production', '--confirm', 'production'],
      'ada@shop.dev',
    );
    expect(self.code).toBe(2);
    expect(self.stderr.split('\n')[0]).toBe(
      `error: ada cannot approve their own request (request ${request.id}, asked by ada@shop.dev); nothing was changed`,
    );
    const notApprover = await cli(
      ['access', 'approve', String(request.id), '--env', 'production', '--confirm', 'production'],
      'mary@shop.dev',
    );
    expect(notApprover.code).toBe(2);
    expect(notApprover.stderr).toContain(
      'mary, acting as mary@shop.dev (LAUNCHDB_ACTOR), is not an approver (access.approvers: ada, grace)',
    );
    expect(await accessState('production')).toBe(before);

    const approved = await cli(
      ['access', 'approve', String(request.id), '--env', 'production', '--confirm', 'production'],
      'grace@shop.dev',
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('approved by grace: linus read access');
    const { rows } = await superuser(
      `select state, approved_by_person, extract(epoch from grant_expires_at - approved_at)::float8 as seconds,
              approved_at > requested_at as after_asking
         from launchdb.access_requests where id = $1`,
      db('production'),
      [request.id],
    );
    // The 3 s run from the approval, not from the asking (to the millisecond the role's COMMENT keeps).
    expect(rows[0]).toMatchObject({ state: 'approved', approved_by_person: 'grace', after_asking: true });
    expect(rows[0].seconds).toBeCloseTo(3, 2);
    const linus = await login(secretUrl('production', 'linus'));
    expect((await linus.query('select count(*)::int as n from accounts')).rows[0].n).toBe(0);

    const again = await cli(
      ['access', 'approve', String(request.id), '--env', 'production', '--confirm', 'production'],
      'grace@shop.dev',
    );
    expect(again.code).toBe(2);
    expect(again.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^error: request ${request.id} was already approved by grace@shop.dev at .*; nothing was changed$`,
      ),
    );

    // Its time runs out: expire ends the live session and drops the role; the request is recorded ended.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const expired = await cli(['access', 'expire', '--env', 'production']);
    expect(expired.code, expired.stderr).toBe(0);
    expect(expired.stdout).toContain(`ended linus's access (role ${role('production', 'linus')}`);
    expect(expired.stdout).toContain('1 session(s) ended, role dropped');
    await expect(linus.query('select 1')).rejects.toThrow();
    expect(await roleRow(role('production', 'linus'))).toBeUndefined();
    const ended = await superuser(
      'select state, ended_at is not null as ended from launchdb.access_requests where id = $1',
      db('production'),
      [request.id],
    );
    expect(ended.rows[0]).toEqual({ state: 'expired', ended: true });
  });

  it('approving an unknown or a lapsed request is refused in one line; nothing changed', async () => {
    const asked = await cli(
      [
        'access',
        'request',
        '--env',
        'production',
        '--person',
        'mary',
        '--level',
        'write',
        '--for',
        '1h',
        '--reason',
        'late',
        '--json',
      ],
      'mary@shop.dev',
    );
    const id = (JSON.parse(asked.stdout) as { id: number }).id;
    await superuser(
      `update launchdb.access_requests set expires_at = now() - interval '1 minute' where id = $1`,
      db('production'),
      [id],
    );
    const before = await accessState('production');

    const lapsed = await cli(
      ['access', 'approve', String(id), '--env', 'production', '--confirm', 'production'],
      'ada@shop.dev',
    );
    expect(lapsed.code).toBe(2);
    expect(lapsed.stderr.split('\n')[0]).toMatch(
      new RegExp(`^error: request ${id} expired unapproved at .*; nothing was changed$`),
    );
    const unknown = await cli(
      ['access', 'approve', '999', '--env', 'production', '--confirm', 'production'],
      'ada@shop.dev',
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe(
      'error: there is no access request 999 in environment production; nothing was changed',
    );
    expect(await accessState('production')).toBe(before);
    expect(await roleRow(role('production', 'mary'))).toBeUndefined();

    const listed = await cli(['access', 'requests', '--env', 'production', '--all', '--json']);
    const states = (JSON.parse(listed.stdout) as { requests: { id: number; state: string }[] }).requests;
    expect(states.find((request) => request.id === id)?.state).toBe('expired');
  });
});

describe('access expire', () => {
  it('ends a live session of a role whose time is up, and is a no-op when nothing is due', async () => {
    const granted = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'mary',
      '--level',
      'write',
      '--for',
      '3s',
      '--reason',
      'quick fix',
    ]);
    expect(granted.code, granted.stderr).toBe(0);
    const mary = await login(secretUrl('staging', 'mary'));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    // VALID UNTIL has passed, yet the session goes on: only expire ends it.
    expect((await mary.query('select 1 as one')).rows[0].one).toBe(1);

    const before = (await accessEvents('staging')).length;
    const expired = await cli(['access', 'expire', '--env', 'staging', '--json']);
    expect(expired.code, expired.stderr).toBe(0);
    const report = JSON.parse(expired.stdout) as {
      roles: { role: string; sessionsEnded: number; dropped: boolean }[];
    };
    expect(report.roles).toEqual([
      expect.objectContaining({ role: role('staging', 'mary'), sessionsEnded: 1, dropped: true }),
    ]);
    await expect(mary.query('select 1')).rejects.toThrow();
    expect(await roleRow(role('staging', 'mary'))).toBeUndefined();
    // The others' access is not due: untouched.
    expect(await roleRow(role('staging', 'linus'))).toMatchObject({ rolcanlogin: true });

    const again = await cli(['access', 'expire', '--env', 'staging']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no personal access to');
    const events = await accessEvents('staging');
    expect(events.slice(before).map((event) => [event.action, event.result.status])).toEqual([
      ['access expire', 'ok'],
      ['access expire', 'ok'],
    ]);
  });
});

describe('access revoke', () => {
  it('leaves nothing behind of a role that created a table, holds sequence grants and has default privileges', async () => {
    const granted = await cli([
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'grace',
      '--level',
      'write',
      '--for',
      '1h',
      '--reason',
      'notes',
    ]);
    expect(granted.code, granted.stderr).toBe(0);
    const name = role('staging', 'grace');
    const owner = `${db('staging')}_owner`;
    // What a DBA and the person did by hand: a table of hers, a sequence grant, default privileges both ways.
    await superuser(`grant create on schema public to ${name}`, db('staging'));
    const grace = await login(secretUrl('staging', 'grace'));
    await grace.query('create table grace_notes (id serial primary key, note text)');
    await grace.query(
      `alter default privileges in schema public grant select on tables to ${db('staging')}_readonly`,
    );
    await superuser(
      `set role ${owner};
       grant usage on sequence accounts_id_seq to ${name};
       alter default privileges in schema public grant select on sequences to ${name};`,
      db('staging'),
    );
    const oid = (
      await superuser('select oid::int as oid from pg_roles where rolname = $1', 'postgres', [name])
    ).rows[0].oid;

    const sessions = await sessionsOf(name);
    expect(sessions).toBeGreaterThan(0);
    const result = await cli(['access', 'revoke', '--env', 'staging', '--person', 'grace']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `revoked grace's access to 127.0.0.1:${cluster.port}/${db('staging')}: login taken, ${sessions} session(s) ended`,
    );
    expect(await sessionsOf(name)).toBe(0);
    await expect(grace.query('select 1')).rejects.toThrow();

    expect(await roleRow(name)).toBeUndefined();
    const left = await superuser(
      `select (select count(*)::int from pg_shdepend where refobjid = $1) as shdepend,
              (select pg_get_userbyid(relowner)::text from pg_class where relname = 'grace_notes') as notes_owner,
              (select count(*)::int from pg_default_acl d
                 where d.defaclrole = $1 or exists (select 1 from aclexplode(d.defaclacl) a where a.grantee = $1)) as default_acls,
              (select count(*)::int from pg_class c, aclexplode(c.relacl) a where a.grantee = $1) as grants`,
      db('staging'),
      [oid],
    );
    expect(left.rows[0]).toEqual({
      shdepend: 0,
      notes_owner: 'launchdb_orphans',
      default_acls: 0,
      grants: 0,
    });
    expect((await superuser('select count(*)::int as n from grace_notes', db('staging'))).rows[0].n).toBe(0);
  });

  it('names what another database still holds of the role (exit 1), leaving it whole but unable to log in', async () => {
    const name = role('staging', 'linus');
    const other = `${project.name}_elsewhere`;
    await superuser(`create database ${other}`, 'postgres');
    await superuser(`create table kept (id int); alter table kept owner to ${name}`, other);
    const linus = await login(secretUrl('staging', 'linus'));

    const sessions = await sessionsOf(name);
    const result = await cli(['access', 'revoke', '--env', 'staging', '--person', 'linus']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `not dropped: role ${name} can no longer log in, ${sessions} session(s) ended, but it cannot be dropped`,
    );
    expect(await sessionsOf(name)).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`owner of a table, view, sequence or index \\(pg_class oid \\d+\\) in database ${other}`),
    );
    await expect(linus.query('select 1')).rejects.toThrow();
    // Whole: still a member of the read-only role, only its login taken.
    const { rows } = await superuser(
      `select r.rolcanlogin, pg_has_role(r.oid, '${db('staging')}_readonly', 'member') as member
         from pg_roles r where rolname = $1`,
      'postgres',
      [name],
    );
    expect(rows[0]).toEqual({ rolcanlogin: false, member: true });

    await superuser('drop table kept', other);
    const again = await cli(['access', 'revoke', '--env', 'staging', '--person', 'linus']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await roleRow(name)).toBeUndefined();
    await superuser(`drop database ${other}`, 'postgres');
  });
});

describe('bad input: one line, exit 2, nothing changed', () => {
  const grant = (...flags: string[]) => ['access', 'grant', '--env', 'staging', ...flags];
  const cases: [string, string[], string][] = [
    [
      'an unknown person',
      grant('--person', 'bob', '--level', 'read', '--for', '1h', '--reason', 'x'),
      'error: "bob" is not a person in access.people (declared: ada, grace, linus, mary); nothing was changed',
    ],
    [
      'an unknown level',
      grant('--person', 'ada', '--level', 'owner', '--for', '1h', '--reason', 'x'),
      'error: --level owner is not an access level; nothing was changed',
    ],
    [
      '--for 0',
      grant('--person', 'ada', '--level', 'read', '--for', '0', '--reason', 'x'),
      'error: --for 0 is not a duration',
    ],
    [
      '--for 10y, above access.maxGrant',
      grant('--person', 'ada', '--level', 'read', '--for', '10y', '--reason', 'x'),
      'error: --for 10y is longer than access.maxGrant (8h); nothing was changed',
    ],
    [
      '--for 9h, above access.maxGrant',
      grant('--person', 'ada', '--level', 'read', '--for', '9h', '--reason', 'x'),
      'error: --for 9h is longer than access.maxGrant (8h); nothing was changed',
    ],
    [
      'a revoke of someone without access',
      ['access', 'revoke', '--env', 'staging', '--person', 'mary'],
      `error: mary has no personal access to environment staging (no role {db}_p_mary); nothing was changed`,
    ],
  ];
  for (const [what, argv, line] of cases) {
    it(what, async () => {
      const before = await accessState('staging');
      const result = await cli(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toBe(line.replace('{db}', db('staging')));
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await accessState('staging')).toBe(before);
    });
  }

  it('every access command on an embedded environment: no logins there, exit 2', async () => {
    const commands: [string, string[]][] = [
      ['grant', ['--person', 'ada', '--level', 'read', '--for', '1h', '--reason', 'x']],
      ['request', ['--person', 'ada', '--level', 'read', '--for', '1h', '--reason', 'x']],
      ['approve', ['1']],
      ['expire', []],
      ['revoke', ['--person', 'ada']],
    ];
    for (const [verb, args] of commands) {
      const result = await cli(['access', verb, ...args, '--env', 'dev']);
      expect(result.code, verb).toBe(2);
      // The only other line: the recorder saying there is no trail to record the refusal in yet.
      expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
        `error: environment dev is embedded: it has no logins (every connection is its one superuser), so there is no access to ${verb}`,
      ]);
      expect(result.stderr).toContain(
        'warning: not recorded in the audit trail of dev: environment dev has no database yet',
      );
    }
    // Nothing was created for it: no database, no files.
    expect(existsSync(join(project.dir, '.launchdb', 'dev'))).toBe(false);
  });

  it('a bad input run is one failed audit event, with the refusal', async () => {
    const before = (await accessEvents('staging')).length;
    await cli(grant('--person', 'ada', '--level', 'read', '--for', '9h', '--reason', 'x'));
    const events = await accessEvents('staging');
    expect(events.length - before).toBe(1);
    expect(events.at(-1)).toMatchObject({
      action: 'access grant',
      result: { status: 'failed', exitCode: 2 },
    });
  });
});

describe('access list shows personal access', () => {
  it('with its person, level and expiry, and the app password untouched', async () => {
    const result = await cli(['access', 'list', '--env', 'staging', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as {
      roles: { name: string; personal?: { person: string; level: string } }[];
    };
    expect(list.roles.find((entry) => entry.name === role('staging', 'ada'))?.personal).toMatchObject({
      person: 'ada',
      level: 'admin',
    });
    // The provisioned roles were not touched by any of it.
    const app = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL!;
    const client = await login(app);
    expect((await client.query('select current_user as me')).rows[0].me).toBe(`${db('staging')}_app`);
  });
});
