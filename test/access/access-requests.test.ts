// Requests, approvals, expiry and revocation of personal access on a private scram cluster: the
// requester cannot approve, an approver can, the time starts at approval and `access expire` ends
// it, live session included; a revoke leaves nothing behind of a role that created a table, holds
// sequence grants and has default privileges, or names what another database still holds of it
// (exit 1) without half-dropping it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accessEvents,
  accessState,
  cli,
  db,
  fixture,
  login,
  role,
  roleRow,
  secretUrl,
  sessionsOf,
  superuser,
  useAccessProject,
} from '../helpers/personal-access.js';

useAccessProject(['staging', 'production']);

// Linus reads staging for the whole file: the access expire must leave alone, and revoke ends later.
beforeAll(async () => {
  const granted = await cli([
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
    'reports',
  ]);
  expect(granted.code, granted.stderr).toBe(0);
}, 30_000);

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
    // The run that ended access is recorded; the one with nothing due is not (the scheduler runs it
    // every few minutes: its no-ops would bury the trail).
    const events = await accessEvents('staging');
    expect(events.slice(before).map((event) => [event.action, event.result.status])).toEqual([
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
      `revoked grace's access to 127.0.0.1:${fixture.cluster.port}/${db('staging')}: login taken, ${sessions} session(s) ended`,
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
    const other = `${fixture.project.name}_elsewhere`;
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
