// Personal access granted directly in an unguarded environment, on a private scram cluster, proven
// with real logins: read cannot write, write cannot change the schema, admin has owner rights only
// after SET ROLE; the URL goes to a 0600 file (or is printed once), never to output or the trail;
// one audit event per command; bad input refused in one line with nothing changed; an embedded
// environment has no logins to give.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
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
  superuser,
  useAccessProject,
} from '../helpers/personal-access.js';

useAccessProject(['staging']);

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
      `granted linus read access to 127.0.0.1:${fixture.cluster.port}/${db('staging')}`,
    );
    expect(result.stdout).toContain(`as role ${role('staging', 'linus')}`);
    expect(result.stdout).toContain('pgAudit is not loaded on this server');
    expect(result.stdout).toContain('.launchdb/secrets/access-staging-linus.env (mode 0600');

    const file = join(fixture.project.dir, '.launchdb', 'secrets', 'access-staging-linus.env');
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
    expect(existsSync(join(fixture.project.dir, '.launchdb', 'secrets', 'access-staging-ada.env'))).toBe(
      false,
    );
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
      // The error and its fix: a refusal before the environment had a database has no trail to go to, and says nothing of it.
      expect(result.stderr.trim().split('\n')).toEqual([
        `error: environment dev is embedded: it has no logins (every connection is its one superuser), so there is no access to ${verb}`,
        '  fix: attach a server: `launchdb attach postgres --env dev --admin-url …`; access is per role there',
      ]);
    }
    // Nothing was created for it: no database, no files.
    expect(existsSync(join(fixture.project.dir, '.launchdb', 'dev'))).toBe(false);
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
    const app = readSecrets(join(fixture.project.dir, '.launchdb'), 'staging').DATABASE_URL!;
    const client = await login(app);
    expect((await client.query('select current_user as me')).rows[0].me).toBe(`${db('staging')}_app`);
  });
});
