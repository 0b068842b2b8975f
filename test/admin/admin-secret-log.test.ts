// A secret launchdb generates never reaches the server's log, on a server that logs every statement with its parameters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchdbError } from '../../src/core/errors.js';
import { Project } from '../../src/core/project.js';
import { readSecrets } from '../../src/core/secrets.js';
import { adminSecretFile, createAdmin } from '../../src/stores/postgres/admin/create-admin.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { openMigrationDatabase } from '../../src/stores/postgres/migrate/migration-database.js';
import { runCli } from '../helpers/cli.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let cluster: PrivateCluster;
let project: TempProject;
/** `staging`: provisioned by attach, its owner role is no superuser. `root`: the cluster's superuser. */
let rootUrl: string;
/** Every secret launchdb generated here, each searched for in the server's log. */
const secrets = new Set<string>();

const LIST = "select email, name from users where role = 'admin' order by email";
const USERS = `create extension if not exists pgcrypto;
create table users (id bigint generated always as identity primary key, email text not null unique, name text,
  role text not null default 'member', password_hash text, token_hash text, pin integer);`;

/** Rewrites the config with this admin section. */
function useAdmin(admin: { create: string; secret?: string; secretHash?: string }) {
  project.write(
    'launchdb.config.ts',
    `import { defineConfig } from 'launchdb';

export default defineConfig({
  project: '${project.name}',
  environments: { staging: { postgres: {} }, root: { postgres: { url: '${rootUrl}' } } },
  admin: ${JSON.stringify({ list: LIST, secret: 'password', ...admin })},
});
`,
  );
}

const cli = (args: string[], env: string) =>
  runCli([...args, '--env', env, '--confirm', env], { cwd: project.dir });

const createVia = (env: string, email: string) =>
  cli(
    ['admin', 'create', '--email', email, '--owner', 'Ada Lovelace <ada@shop.dev>', '--name', 'Admin'],
    env,
  );

/** The generated secret of a created admin, from the 0600 file launchdb wrote. */
function secretOf(env: string, email: string): string {
  const secret = readFileSync(adminSecretFile(join(project.dir, '.launchdb'), env, email), 'utf8').trim();
  secrets.add(secret);
  return secret;
}

function serverLog(): string {
  return readFileSync(cluster.logFile, 'utf8');
}

/** What the server logged from `offset` (a length of serverLog() taken before) on. */
const logSince = (offset: number) => serverLog().slice(offset);

/** admin.create's statement, as the server logs it when it is sent. */
const ADMIN_CREATE_SENT = 'insert into users (email, name, role, password_hash)';

function expectNoSecretInLog() {
  const log = serverLog();
  expect(secrets.size).toBeGreaterThan(0);
  // The lines holding a secret, so a failure shows how it got there.
  expect(log.split('\n').filter((line) => [...secrets].some((secret) => line.includes(secret)))).toEqual([]);
}

async function query<Row>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The test's own checks send the secrets: keep them out of the log they search (all as superuser).
    await client.query("set log_statement = 'none'; set log_min_duration_statement = -1");
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

const stagingDatabase = () => `${project.name}_staging`;
const asSuperuser = <Row>(sql: string, params: unknown[] = []) =>
  query<Row>(withCredentials(cluster.superuserUrl, { database: stagingDatabase() }), sql, params);

/** createAdmin in the core, to see the secret it generated even when it refuses or fails. */
async function createInCore(env: string, email: string): Promise<{ error: LaunchdbError; secret: string }> {
  const loaded = await Project.load(project.dir);
  const environment = loaded.environment(env);
  const mask = new Set<string>();
  const { db } = await openMigrationDatabase(environment, { command: 'test' });
  try {
    await createAdmin(
      db,
      loaded.config.admin!,
      { email, owner: 'Ada <ada@shop.dev>', name: 'Admin' },
      { environment: env, stateDir: environment.stateDir, mask },
    );
    throw new Error('expected createAdmin to fail');
  } catch (error) {
    const [secret] = [...mask];
    expect(secret).toBeDefined();
    secrets.add(secret!);
    return { error: error as LaunchdbError, secret: secret! };
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  cluster = await startPrivateCluster({
    settings: {
      log_statement: "'all'",
      log_min_duration_statement: '0',
      // Failing statements too would be logged with their parameters.
      log_parameter_max_length_on_error: '-1',
    },
  });
  project = tempProject();
  await query(cluster.superuserUrl, `create database ${project.name}_root`);
  rootUrl = withCredentials(cluster.superuserUrl, { database: `${project.name}_root` });
  useAdmin({
    create: "insert into users (email, name, role) values (:email, :name, 'admin')",
    secret: 'none',
  });
  project.write('db/migrations/20260101000000_users.sql', USERS);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  project?.remove();
});

describe('a server logging every statement with its parameters (log_statement = all, log_min_duration_statement = 0)', () => {
  it('attach --admin-url sends the roles SCRAM verifiers, never their passwords', async () => {
    const attached = await cli(['attach', 'postgres', '--admin-url', cluster.superuserUrl], 'staging');
    expect(attached.code, attached.stderr).toBe(0);
    const urls = readSecrets(join(project.dir, '.launchdb'), 'staging');
    for (const url of Object.values(urls)) secrets.add(decodeURIComponent(new URL(url).password));
    expect(secrets.size).toBe(3);
    // The log does show the role statements, with the verifier in place of the password.
    expect(serverLog()).toMatch(/create role "\w+_staging_app" with login .* password 'SCRAM-SHA-256\$4096:/);
    expectNoSecretInLog();
    expect((await cli(['attach', 'postgres'], 'root')).code).toBe(0);
    for (const env of ['staging', 'root']) expect((await cli(['migrate', 'up'], env)).code).toBe(0);
  });

  it(':secret_hash sends only the bcrypt hash of the password, which pgcrypto and bcrypt libraries verify', async () => {
    useAdmin({
      create:
        "insert into users (email, name, role, password_hash) values (:email, :name, 'admin', :secret_hash)",
    });
    const result = await createVia('staging', 'hashed@shop.dev');
    expect(result.code, result.stderr).toBe(0);
    const secret = secretOf('staging', 'hashed@shop.dev');
    const [user] = await asSuperuser<{ hash: string; ok: boolean }>(
      'select password_hash as hash, crypt($1, password_hash) = password_hash as ok from users where email = $2',
      [secret, 'hashed@shop.dev'],
    );
    expect(user?.hash).toMatch(/^\$2a\$12\$[./A-Za-z0-9]{53}$/);
    expect(user?.ok).toBe(true);
    // The server logged the statement's parameters: the hash is there, the password is not.
    expect(serverLog()).toContain(user!.hash);
    expectNoSecretInLog();
  });

  it(':secret_hash of a token is its SHA-256 in hex by default', async () => {
    useAdmin({
      create:
        "insert into users (email, name, role, token_hash) values (:email, :name, 'admin', :secret_hash)",
      secret: 'token',
    });
    const result = await createVia('staging', 'token@shop.dev');
    expect(result.code).toBe(0);
    const secret = secretOf('staging', 'token@shop.dev');
    const [user] = await asSuperuser<{ ok: boolean }>(
      `select token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') as ok from users where email = $2`,
      [secret, 'token@shop.dev'],
    );
    expect(user?.ok).toBe(true);
    expectNoSecretInLog();
  });

  it('a plaintext :secret as a superuser: the statement is logged, its parameters are not', async () => {
    const create =
      "insert into users (email, name, role, password_hash) values (:email, :name, 'admin', crypt(:secret, gen_salt('bf')))";
    useAdmin({ create });
    const result = await createVia('root', 'root@shop.dev');
    expect(result.code, result.stderr).toBe(0);
    const secret = secretOf('root', 'root@shop.dev');
    const [user] = await query<{ ok: boolean }>(
      rootUrl,
      'select crypt($1, password_hash) = password_hash as ok from users where email = $2',
      [secret, 'root@shop.dev'],
    );
    expect(user?.ok).toBe(true);
    expect(serverLog()).toContain("'admin', crypt($3, gen_salt('bf')))");
    expectNoSecretInLog();
  });

  it('a plaintext :secret as a superuser, in a statement that fails quoting it: not in the log either', async () => {
    useAdmin({ create: "insert into users (email, role, pin) values (:email, 'admin', :secret::int)" });
    const { error, secret } = await createInCore('root', 'broken@shop.dev');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('invalid input syntax for type integer: "***"');
    expect(serverLog()).not.toContain(secret);
    expectNoSecretInLog();
  });

  it('a plaintext :secret as a role that may not quiet the log is refused before anything is sent', async () => {
    useAdmin({
      create:
        "insert into users (email, name, role, password_hash) values (:email, :name, 'admin', crypt(:secret, gen_salt('bf')))",
    });
    const before = serverLog().length;
    const result = await createVia('staging', 'refused@shop.dev');
    expect(result.code).toBe(2);
    const [line, fix, ...rest] = result.stderr
      .trim()
      .split('\n')
      .filter((text) => !text.startsWith('target:'));
    expect(rest).toEqual([]);
    expect(line).toContain('would write the plaintext :secret of admin.create to its log');
    expect(line).toContain('log_statement = all');
    expect(line).toContain('log_parameter_max_length = -1');
    expect(line).toContain('nothing was created or recorded');
    expect(fix).toContain('use :secret_hash in admin.create');
    expect(fix).toContain('admin.secretHash');

    const { error } = await createInCore('staging', 'refused@shop.dev');
    expect(error.exitCode).toBe(2);
    const [traces] = await asSuperuser<{ users: number; logged: number }>(
      `select (select count(*)::int from users where email = 'refused@shop.dev') as users,
              (select count(*)::int from launchdb.admins where email = 'refused@shop.dev') as logged`,
    );
    expect(traces).toEqual({ users: 0, logged: 0 });
    // admin.create never ran: it was never sent. (The refusal is in the audit trail, whose append
    // the server logs with its parameters: the email, never the secret.)
    expect(logSince(before)).not.toContain(ADMIN_CREATE_SENT);
    expectNoSecretInLog();
  });

  it("with log_statement = 'ddl' and no duration logging, an INSERT's parameters are not logged: the same role may", async () => {
    const owner = `${project.name}_staging_owner`;
    await query(
      cluster.superuserUrl,
      `alter role ${owner} set log_statement = 'ddl'; alter role ${owner} set log_min_duration_statement = -1`,
    );
    try {
      const result = await createVia('staging', 'ddl@shop.dev');
      expect(result.code, result.stderr).toBe(0);
      secretOf('staging', 'ddl@shop.dev');
      expectNoSecretInLog();
    } finally {
      await query(cluster.superuserUrl, `alter role ${owner} reset all`);
    }
  });

  it('granted SET on the statement loggers only, the role turns statement logging off for its transaction', async () => {
    const owner = `${project.name}_staging_owner`;
    await query(
      cluster.superuserUrl,
      `grant set on parameter log_statement, log_min_duration_statement to ${owner}`,
    );
    const before = serverLog().length;
    const result = await createVia('staging', 'quiet@shop.dev');
    expect(result.code, result.stderr).toBe(0);
    secretOf('staging', 'quiet@shop.dev');
    // Sent with statement logging off: not in the log (the audit trail's append after it is).
    expect(logSince(before)).not.toContain(ADMIN_CREATE_SENT);
    expectNoSecretInLog();
  });

  it('a transaction sampled by log_transaction_sample_rate is refused: SET LOCAL cannot unsample it', async () => {
    const owner = `${project.name}_staging_owner`;
    await query(
      cluster.superuserUrl,
      `grant set on parameter log_transaction_sample_rate to ${owner}; alter role ${owner} set log_transaction_sample_rate = 1`,
    );
    try {
      const { error } = await createInCore('staging', 'sampled@shop.dev');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('log_transaction_sample_rate = 1');
      expectNoSecretInLog();
    } finally {
      await query(cluster.superuserUrl, `alter role ${owner} reset all`);
    }
  });

  it('with GRANT SET ON PARAMETER log_parameter_max_length, the same role may, and nothing is logged', async () => {
    await query(
      cluster.superuserUrl,
      `grant set on parameter log_parameter_max_length to ${project.name}_staging_owner`,
    );
    const result = await createVia('staging', 'granted@shop.dev');
    expect(result.code, result.stderr).toBe(0);
    secretOf('staging', 'granted@shop.dev');
    expectNoSecretInLog();
  });
});
