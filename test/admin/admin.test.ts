import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import type { AdminConfig } from '../../src/core/config/types.js';
import { type LaunchdbError, UsageError } from '../../src/core/errors.js';
import { Project } from '../../src/core/project.js';
import {
  adminSecretFile,
  createAdmin,
  validateAdminCreation,
} from '../../src/stores/postgres/admin/create-admin.js';
import { bindNamedParameters } from '../../src/stores/postgres/admin/named-parameters.js';
import { adminDocumented } from '../../src/stores/postgres/checks/admin-documented.js';
import { adminExists } from '../../src/stores/postgres/checks/admin-exists.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { openMigrationDatabase } from '../../src/stores/postgres/migrate/migration-database.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, BACKINGS, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type MigrationProject, withMigrationProject } from '../migrate/helpers.js';

/** The error a promise rejects with, to assert on its message, fix and exit code. */
async function failure(promise: Promise<unknown>): Promise<LaunchdbError> {
  try {
    await promise;
  } catch (error) {
    return error as LaunchdbError;
  }
  throw new Error('expected a rejection');
}

const bind = (sql: string, values: Record<string, unknown> = { email: 'a@b.dev', name: 'Ada' }) =>
  bindNamedParameters(sql, { path: 'admin.create', values });

describe('named parameters', () => {
  it('turns each name into $n in order of first use, reusing the number of a repeated name', async () => {
    const bound = await bind('insert into users (email, name, login) values (:email, :name, :email)');
    expect(bound.text).toBe('insert into users (email, name, login) values ($1, $2, $1)');
    expect(bound.values).toEqual(['a@b.dev', 'Ada']);
    expect(bound.kind).toBe('InsertStmt');
  });

  it('leaves casts, :=, strings, dollar quotes, quoted identifiers and comments alone', async () => {
    const sql = [
      "select :email::text, 'it:name', E'x\\':name', $q$ :name $q$, $$:email$$, \"col:name\",",
      '  (select 1 as a) -- :unknown in a comment',
      '  /* :name /* nested :x */ */, :name',
      "from (values (1)) v(i) where format('%s', :email) is not null",
    ].join('\n');
    const bound = await bind(sql);
    expect(bound.text).toBe(
      [
        "select $1::text, 'it:name', E'x\\':name', $q$ :name $q$, $$:email$$, \"col:name\",",
        '  (select 1 as a) -- :unknown in a comment',
        '  /* :name /* nested :x */ */, $2',
        "from (values (1)) v(i) where format('%s', $1) is not null",
      ].join('\n'),
    );
    expect(bound.names).toEqual(['email', 'name']);
  });

  it('does not take := (named arguments) for a parameter', async () => {
    const bound = await bind('select make_interval(days:=1, hours := 2), :email');
    expect(bound.text).toBe('select make_interval(days:=1, hours := 2), $1');
  });

  it('refuses an unknown name, naming it and the known ones', async () => {
    const error = await failure(bind('insert into users (email) values (:mail)'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('admin.create uses the unknown parameter :mail; it takes :email, :name');
  });

  it('refuses a name with no value, with the fix the caller gives', async () => {
    const error = await failure(
      bindNamedParameters('insert into users (email, name) values (:email, :name)', {
        path: 'admin.create',
        values: { email: 'a@b.dev', name: undefined },
        missingFix: (name) => `pass --${name}`,
      }),
    );
    expect(error.message).toBe('admin.create uses :name, and no value was given for it');
    expect(error.fix).toBe('pass --name');
  });

  it("points psql's quoted form :'email' to :email", async () => {
    const error = await failure(bind("insert into users (email) values (:'email')"));
    expect(error.message).toBe("admin.create writes :'email'; write :email");
  });

  it('refuses two statements, none, and a transaction command', async () => {
    expect((await failure(bind('insert into users (email) values (:email); select 1'))).message).toBe(
      'admin.create must be exactly one SQL statement; it has 2',
    );
    expect((await failure(bind('-- nothing yet'))).message).toBe(
      'admin.create must be exactly one SQL statement; it has none',
    );
    expect((await failure(bind('commit'))).message).toContain('is a transaction command');
  });

  it('reports a syntax error at its place in the statement as written', async () => {
    const error = await failure(bind('insert into users (email, name)\nvalues (:email, :name) returnin id'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'admin.create does not parse: syntax error at or near "returnin" (line 2, column 24)',
    );
  });

  it('never lets a parameter written right after a word join it (x:email is not the identifier x$1)', async () => {
    expect((await failure(bind('select 1 as x:email'))).message).toContain('admin.create does not parse');
  });
});

describe('the admin request and config, before anything is touched', () => {
  const admin: AdminConfig = {
    create: "insert into users (email, name, role) values (:email, :name, 'admin')",
    list: "select email from users where role = 'admin'",
  };
  const request = { email: 'ops@shop.dev', owner: 'Ada Lovelace <ada@shop.dev>', name: 'Ops' };

  it('takes a valid request, tidied', async () => {
    expect(
      await validateAdminCreation(admin, { ...request, owner: '  Ada Lovelace<ada@shop.dev> ' }),
    ).toEqual({
      ...request,
      owner: 'Ada Lovelace <ada@shop.dev>',
    });
  });

  it('refuses an owner that is not "Name <email>" and an email that is not one', async () => {
    for (const owner of ['ada@shop.dev', 'Ada Lovelace', '<ada@shop.dev>', 'Ada <not an email>']) {
      const error = await failure(validateAdminCreation(admin, { ...request, owner }));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('is not a person\'s "Name <email>"');
    }
    expect((await failure(validateAdminCreation(admin, { ...request, email: 'ops' }))).message).toBe(
      '"ops" is not an email address',
    );
  });

  it('refuses a secret the create statement never uses, and :secret with no secret configured', async () => {
    const unused = await failure(validateAdminCreation({ ...admin, secret: 'token' }, request));
    expect(unused.message).toContain(
      'admin.secret is token, but admin.create uses neither :secret_hash nor :secret',
    );
    const missing = await failure(
      validateAdminCreation(
        { ...admin, create: 'insert into users (email, token) values (:email, :secret)' },
        request,
      ),
    );
    expect(missing.message).toBe('admin.create uses :secret, and no value was given for it');
    expect(missing.fix).toContain("set admin.secret to 'password' or 'token'");
  });

  it('refuses :secret_hash with no secret configured, and admin.secretHash the statement never uses', async () => {
    const hashed = 'insert into users (email, token_hash) values (:email, :secret_hash)';
    const missing = await failure(validateAdminCreation({ ...admin, create: hashed }, request));
    expect(missing.message).toBe('admin.create uses :secret_hash, and no value was given for it');
    expect(missing.fix).toContain("set admin.secret to 'password' or 'token'");
    const plaintext = await failure(
      validateAdminCreation(
        {
          ...admin,
          create: 'insert into users (email, token) values (:email, :secret)',
          secret: 'token',
          secretHash: 'sha256',
        },
        request,
      ),
    );
    expect(plaintext.message).toBe('admin.secretHash is sha256, but admin.create does not use :secret_hash');
    expect(
      await validateAdminCreation(
        { ...admin, create: hashed, secret: 'token', secretHash: 'sha256' },
        request,
      ),
    ).toEqual(request);
  });

  it('names admin.list when it is two statements', async () => {
    const error = await failure(validateAdminCreation({ ...admin, list: 'select 1; select 2' }, request));
    expect(error.message).toBe('admin.list must be exactly one SQL statement; it has 2');
  });
});

describe('a project with no admin config', () => {
  const project = tempProject();
  afterAll(() => project.remove());

  it('admin create and admin list exit 2 showing what to add', async () => {
    for (const args of [
      ['admin', 'list'],
      ['admin', 'create', '--email', 'ops@shop.dev', '--owner', 'Ada <ada@shop.dev>'],
    ]) {
      const result = await runCli(args, { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('launchdb.config.ts has no `admin` section');
      expect(result.stderr).toContain('fix: add e.g. admin: { create: "insert into users');
    }
  });

  it('skips both checks, saying why', async () => {
    const ctx = await checkContext(project.dir, 'development');
    for (const check of [adminDocumented, adminExists]) {
      const outcome = await check.run(ctx);
      expect(outcome.status).toBe('skip');
      expect(outcome.summary).toContain('no `admin` section in the config');
    }
    await ctx.postgres.close();
  });
});

describe('seed.admin-exists when the config does not require an admin', () => {
  const project = tempProject(`{
    project: '{project}',
    environments: { development: { postgres: {} } },
    admin: { create: "insert into users (email) values (:email)", list: "select email from users" },
  }`);
  afterAll(() => project.remove());

  it('passes without asking the database', async () => {
    const ctx = await checkContext(project.dir, 'development');
    expect(await adminExists.run(ctx)).toEqual({
      status: 'pass',
      summary: 'the config does not require an admin (admin.required)',
    });
    await ctx.postgres.close();
  });
});

const CREATE =
  "insert into users (email, name, role, password_hash) values (:email, :name, 'admin', md5(:secret::text))";
const ADMIN_CONFIG = `admin: {
  create: "${CREATE}",
  list: "select email, name from users where role = 'admin' order by email",
  required: true,
  secret: 'password',
},`;

describe.each(BACKINGS)('the initial admin on %s Postgres', (backing) => {
  let p: MigrationProject;
  const test = withMigrationProject(
    backing,
    (made) => {
      p = made;
    },
    ADMIN_CONFIG,
  );
  // admin.create uses :name, so every create passes --name.
  const create = (email: string, extra: string[] = []) =>
    p.cli([
      ...['admin', 'create', '--env', p.env, '--email', email, '--owner', 'Ada Lovelace <ada@shop.dev>'],
      ...(extra.includes('--name') ? extra : ['--name', 'Admin', ...extra]),
    ]);
  /** Both admin checks on one session, as `launchdb check` runs them. */
  const checks = async (): Promise<{ documented: CheckOutcome; exists: CheckOutcome }> => {
    const ctx = await checkContext(p.project.dir, p.env);
    try {
      return { documented: await adminDocumented.run(ctx), exists: await adminExists.run(ctx) };
    } finally {
      await ctx.postgres.close();
    }
  };
  /** How many rows of the app's users and of launchdb.admins have this email, in one round trip. */
  const traces = async (email: string) => {
    const [row] = await p.query<{ users: number; logged: number }>(
      `select (select count(*)::int from users where lower(email) = lower('${email}')) as users,
        (select count(*)::int from launchdb.admins where lower(email) = lower('${email}')) as logged`,
    );
    return row;
  };

  test('before the migrations, the checks fail saying the table is not there yet', async () => {
    const { documented: outcome, exists } = await checks();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('admin.list cannot run yet: relation "users" does not exist [42P01]');
    expect(outcome.fix).toContain(`launchdb migrate up --env ${p.env}`);
    expect(exists.status).toBe('fail');
    p.migration(
      '20260101000000',
      'users',
      "create table users (id bigint generated always as identity primary key, email text not null unique, name text, role text not null default 'member', password_hash text, pin integer);",
    );
    expect((await p.cli(['migrate', 'up', '--env', p.env])).code).toBe(0);
  });

  test('with no admin yet, seed.admin-exists fails and seed.admin-documented passes', async () => {
    const { exists, documented } = await checks();
    expect(exists.status).toBe('fail');
    expect(exists.summary).toBe('the app has no admin, and admin.required says the product needs one');
    expect(exists.fix).toContain(`launchdb admin create --env ${p.env}`);
    expect(documented).toMatchObject({ status: 'pass', summary: 'the app has no admin' });
  });

  test('admin create runs the statement, records owner, reason, who and when, and writes the password to a 0600 file only', async () => {
    const result = await create('ops@shop.dev', ['--name', 'Ops', '--reason', 'first operator']);
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    const file = adminSecretFile(join(p.project.dir, '.launchdb'), p.env, 'ops@shop.dev');
    expect(file).toMatch(/secrets\/admin-development-ops_at_shop\.dev\.txt$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(result.stdout).toContain('created admin ops@shop.dev, owned by Ada Lovelace <ada@shop.dev>');
    expect(result.stdout).toContain('.launchdb/secrets/admin-development-ops_at_shop.dev.txt (mode 0600');
    expect(result.stdout + result.stderr).not.toContain(secret);
    // The statement got the same secret the file holds.
    const [user] = await p.query<{ ok: boolean; name: string }>(
      `select password_hash = md5('${secret}') as ok, name from users where email = 'ops@shop.dev'`,
    );
    expect(user).toEqual({ ok: true, name: 'Ops' });
    const [row] = await p.query<Record<string, unknown>>(
      "select email, name, owner, reason, created_by, created_by_os_user, created_at, launchdb_version from launchdb.admins where email = 'ops@shop.dev'",
    );
    expect(row).toMatchObject({
      email: 'ops@shop.dev',
      name: 'Ops',
      owner: 'Ada Lovelace <ada@shop.dev>',
      reason: 'first operator',
      created_by: 'postgres',
    });
    expect(String(row?.created_by_os_user)).not.toBe('');
    expect(Date.now() - new Date(row?.created_at as string).getTime()).toBeLessThan(60_000);
  });

  test('--json reports the record and the file, never the secret', async () => {
    const result = await create('second@shop.dev', ['--json', '--reason', 'on-call']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      environment: p.env,
      outcome: 'created',
      email: 'second@shop.dev',
      owner: 'Ada Lovelace <ada@shop.dev>',
      reason: 'on-call',
      createdBy: 'postgres',
      secretFile: '.launchdb/secrets/admin-development-second_at_shop.dev.txt',
    });
    const secret = readFileSync(join(p.project.dir, document.secretFile), 'utf8').trim();
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  test('admin list shows each admin with its owner, and UNDOCUMENTED for one inserted by SQL', async () => {
    await p.query("insert into users (email, name, role) values ('Sneaky@Shop.dev', 'Sneaky', 'admin')");
    const human = await p.cli(['admin', 'list', '--env', p.env]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /ops@shop\.dev\s+Ops\s+Ada Lovelace <ada@shop\.dev>\s+first operator\s+postgres \(/,
    );
    expect(human.stdout).toMatch(/Sneaky@Shop\.dev\s+Sneaky\s+UNDOCUMENTED/);
    expect(human.stdout).toContain('1 undocumented');
    const json = JSON.parse((await p.cli(['admin', 'list', '--env', p.env, '--json'])).stdout);
    expect(json.undocumented).toBe(1);
    expect(json.admins).toHaveLength(3);
    expect(json.admins.find((entry: { email: string }) => entry.email === 'Sneaky@Shop.dev')).toMatchObject({
      owner: 'UNDOCUMENTED',
      documented: false,
      createdAt: null,
    });
    expect(json.admins.find((entry: { email: string }) => entry.email === 'ops@shop.dev')).toMatchObject({
      owner: 'Ada Lovelace <ada@shop.dev>',
      documented: true,
      reason: 'first operator',
    });
  });

  test('seed.admin-documented fails naming the undocumented admin; seed.admin-exists passes', async () => {
    const { documented, exists } = await checks();
    expect(documented.status).toBe('fail');
    expect(documented.summary).toBe('1 of 3 admin(s) with no recorded owner: Sneaky@Shop.dev');
    expect(documented.details).toEqual({ undocumented: ['Sneaky@Shop.dev'] });
    expect(documented.fix).toContain('--email Sneaky@Shop.dev');
    expect(exists.status).toBe('pass');
  });

  test('admin create of an admin the app already has records its owner only, once', async () => {
    const result = await create('sneaky@shop.dev', ['--reason', 'found in production']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Sneaky@Shop.dev was already an admin of the app; recorded its owner');
    expect(existsSync(adminSecretFile(join(p.project.dir, '.launchdb'), p.env, 'sneaky@shop.dev'))).toBe(
      false,
    );
    expect((await checks()).documented).toMatchObject({
      status: 'pass',
      summary: '3 admin(s), each with a recorded owner',
    });

    const again = await create('SNEAKY@shop.dev');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      'Sneaky@Shop.dev is already an admin of the app, owned by Ada Lovelace <ada@shop.dev>',
    );
    expect(await traces('sneaky@shop.dev')).toEqual({ users: 1, logged: 1 });
  });

  test('bad --owner, a missing --email or --owner: exit 2, nothing created', async () => {
    // Not through create(): it passes --owner already, and a flag given twice is refused for that.
    const badOwner = await p.cli([
      ...['admin', 'create', '--env', p.env, '--email', 'bad@shop.dev', '--name', 'Bad'],
      ...['--owner', 'just-a-name'],
    ]);
    expect(badOwner.code).toBe(2);
    expect(badOwner.stderr).toContain('the owner "just-a-name" is not a person\'s "Name <email>"');
    const noEmail = await p.cli(['admin', 'create', '--env', p.env, '--owner', 'Ada <ada@shop.dev>']);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain('--email is required');
    const noOwner = await p.cli(['admin', 'create', '--env', p.env, '--email', 'bad@shop.dev']);
    expect(noOwner.stderr).toContain('--owner is required');
    expect(await traces('bad@shop.dev')).toEqual({ users: 0, logged: 0 });
  });

  test('a create statement that fails records nothing, writes no file, and never shows the secret', async () => {
    const configFile = join(p.project.dir, 'launchdb.config.ts');
    const config = readFileSync(configFile, 'utf8');
    // Postgres quotes the value it could not read: the generated secret, in its error message.
    writeFileSync(
      configFile,
      config.replace(CREATE, "insert into users (email, role, pin) values (:email, 'admin', :secret::int)"),
    );
    try {
      const result = await create('broken@shop.dev');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'admin.create failed: invalid input syntax for type integer: "***" [22P02]; nothing was created or recorded',
      );
      expect(existsSync(adminSecretFile(join(p.project.dir, '.launchdb'), p.env, 'broken@shop.dev'))).toBe(
        false,
      );
      expect(await traces('broken@shop.dev')).toEqual({ users: 0, logged: 0 });

      // The core masks it on its own, before any output does.
      const project = await Project.load(p.project.dir);
      const env = project.environment(p.env);
      const seen = new Set<string>();
      const { db } = await openMigrationDatabase(env, { command: 'test' });
      try {
        const error = await failure(
          createAdmin(
            db,
            project.config.admin!,
            { email: 'broken@shop.dev', owner: 'Ada <ada@shop.dev>', name: 'Broken' },
            {
              environment: env.name,
              stateDir: env.stateDir,
              mask: seen,
            },
          ),
        );
        const [secret] = [...seen];
        expect(secret).toBeDefined();
        expect(error.message).not.toContain(secret);
        expect(error.message).toContain('"***"');
      } finally {
        await db.close();
      }
    } finally {
      writeFileSync(configFile, config);
    }
  });

  test('a failing record undoes the create', async () => {
    await p.query(`create function launchdb.refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$;
      create trigger refuse before insert on launchdb.admins for each row execute function launchdb.refuse();`);
    try {
      const result = await create('undone@shop.dev');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'could not record the admin in launchdb.admins: refused by test [P0001]; nothing was created or recorded',
      );
      expect(await traces('undone@shop.dev')).toEqual({ users: 0, logged: 0 });
      expect(existsSync(adminSecretFile(join(p.project.dir, '.launchdb'), p.env, 'undone@shop.dev'))).toBe(
        false,
      );
    } finally {
      await p.query('drop trigger refuse on launchdb.admins; drop function launchdb.refuse();');
    }
  });

  test('a create statement that admin.list does not see is undone', async () => {
    const configFile = join(p.project.dir, 'launchdb.config.ts');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, config.replace("'admin', md5", "'member', md5"));
    try {
      const result = await create('member@shop.dev');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('admin.create ran, but admin.list does not show member@shop.dev');
      expect(await traces('member@shop.dev')).toEqual({ users: 0, logged: 0 });
    } finally {
      writeFileSync(configFile, config);
    }
  });

  test.runIf(backing === 'embedded')(
    'a guarded environment refuses admin create without --confirm',
    async () => {
      const production = ['--env', 'production'];
      expect((await p.cli(['attach', 'postgres', ...production, '--confirm', 'production'])).code).toBe(0);
      expect((await p.cli(['migrate', 'up', ...production, '--confirm', 'production'])).code).toBe(0);
      const args = [
        'admin',
        'create',
        ...production,
        '--email',
        'ops@shop.dev',
        '--owner',
        'Ada <ada@shop.dev>',
        '--name',
        'Ops',
      ];
      const refused = await p.cli(args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'refusing to change guarded environment production without confirmation',
      );
      // Confirmed, it creates the admin: the refused run had created nothing (else: "already an admin").
      const confirmed = await p.cli([...args, '--confirm', 'production']);
      expect(confirmed.stdout).toContain('created admin ops@shop.dev');
    },
  );
});

describe.skipIf(!serverAvailable)('the initial admin on a provisioned server environment', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { guarded: true, postgres: {} } },
      ${ADMIN_CONFIG}
    }`);
  });
  afterAll(async () => {
    project.remove();
    await adminQuery(`drop database if exists ${project.name}_staging with (force)`);
    for (const role of ['app', 'readonly', 'owner'])
      await adminQuery(`drop role if exists ${project.name}_staging_${role}`);
  });

  it('creates as the owner role, and the checks read the admins and their owners as the app role', async () => {
    const cli = (args: string[]) =>
      runCli([...args, '--env', 'staging', '--confirm', 'staging'], { cwd: project.dir });
    expect((await cli(['attach', 'postgres', '--admin-url', SERVER_URL])).code).toBe(0);
    project.write(
      'db/migrations/20260101000000_users.sql',
      "create table users (id bigint generated always as identity primary key, email text not null unique, name text, role text not null default 'member', password_hash text);",
    );
    expect((await cli(['migrate', 'up'])).code).toBe(0);
    const created = await cli([
      'admin',
      'create',
      '--email',
      'ops@shop.dev',
      '--owner',
      'Ada <ada@shop.dev>',
      '--name',
      'Ops',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).createdBy).toBe(`${project.name}_staging_owner`);
    const ctx = await checkContext(project.dir, 'staging');
    try {
      expect((await adminDocumented.run(ctx)).status).toBe('pass');
      expect((await adminExists.run(ctx)).status).toBe('pass');
      const db = await ctx.postgres.db();
      const [role] = (await db.query<{ user: string }>('select current_user as user')).rows;
      expect(role?.user).toBe(`${project.name}_staging_app`);
    } finally {
      await ctx.postgres.close();
    }
  });
});

/** What `launchdb check` gives a check: the project, the environment and its session. */
async function checkContext(dir: string, environment: string): Promise<PostgresCheckContext> {
  const project = await Project.load(dir);
  const env = project.environment(environment);
  const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
    connectTimeoutMs: 10_000,
    command: 'check',
  });
  return { project, env, postgres, now: new Date() };
}
