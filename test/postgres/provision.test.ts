// Provisioning on a real server with real passwords: roles, grants, isolation and reconciling.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaunchdbError, UnreachableError, UsageError } from '../../src/core/errors.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import {
  type ProvisionOptions,
  type ProvisionResult,
  provision,
} from '../../src/stores/postgres/provision/provision.js';
import { uniqueName } from '../helpers/databases.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';

let cluster: PrivateCluster;
/** Every password the tests know, so each error can be searched for them. */
const secrets = new Set<string>();

beforeAll(async () => {
  cluster = await startPrivateCluster();
  secrets.add(new URL(cluster.superuserUrl).password);
});

afterAll(async () => {
  await cluster?.stop();
});

function options(overrides: Partial<ProvisionOptions> = {}): ProvisionOptions {
  return {
    adminUrl: cluster.superuserUrl,
    project: 'shop',
    environment: 'staging',
    database: uniqueName('shop'),
    rotate: false,
    knownSecrets: {},
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

async function provisioned(overrides: Partial<ProvisionOptions> = {}): Promise<ProvisionResult> {
  const result = await provision(options(overrides));
  for (const url of Object.values(result.urls)) secrets.add(decodeURIComponent(new URL(url).password));
  return result;
}

/** Runs `fn` on one connection with the given URL. */
async function as<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const superuser = <T>(fn: (client: pg.Client) => Promise<T>, database = 'postgres') =>
  as(withCredentials(cluster.superuserUrl, { database }), fn);

async function rows(url: string, sql: string, params: unknown[] = []) {
  return as(url, async (client) => (await client.query(sql, params)).rows);
}

/** The error `promise` rejects with, checked to hold no known password in what a user would see. */
async function failure(promise: Promise<unknown>): Promise<LaunchdbError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(LaunchdbError);
  const seen = `${(error as LaunchdbError).message} ${(error as LaunchdbError).fix ?? ''}`;
  for (const secret of secrets) expect(seen).not.toContain(secret);
  return error as LaunchdbError;
}

async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: { code?: string }) => error.code ?? 'no code',
  );
}

async function existing(database: string) {
  const found = await superuser(async (client) => ({
    database: (await client.query('select 1 from pg_database where datname = $1', [database])).rowCount,
    roles: (await client.query('select rolname from pg_roles where rolname like $1', [`${database}\\_%`]))
      .rows,
  }));
  return { database: found.database === 1, roles: found.roles.map((row) => row.rolname as string) };
}

describe('provision on a server with an admin URL', () => {
  let first: ProvisionResult;
  let database: string;

  beforeAll(async () => {
    database = uniqueName('shop');
    first = await provisioned({ database });
    // The owner runs a migration, as `launchdb migrate` will.
    await as(first.urls.DATABASE_MIGRATION_URL, (client) =>
      client.query('create table items (id bigserial primary key, name text not null)'),
    );
  });

  it('creates the database and the owner, app and read-only roles', async () => {
    expect(await existing(database)).toEqual({
      database: true,
      roles: expect.arrayContaining([`${database}_owner`, `${database}_app`, `${database}_readonly`]),
    });
    expect(first.created).toEqual(
      expect.arrayContaining([
        `database ${database}`,
        `role ${database}_owner`,
        `role ${database}_app`,
        `role ${database}_readonly`,
      ]),
    );
    expect(first.differences).toEqual([]);
    expect(first.rotated).toBe(false);
    expect(first.database).toBe(database);
    expect(first.port).toBe(cluster.port);
    const owner = await superuser(async (client) => {
      const { rows } = await client.query(
        `select pg_get_userbyid(datdba) as owner from pg_database where datname = $1`,
        [database],
      );
      return rows[0].owner;
    });
    expect(owner).toBe(`${database}_owner`);
  });

  it('writes URLs whose users are the roles and whose passwords are strong', () => {
    const users = Object.values(first.urls).map((url) => new URL(url));
    expect(users.map((url) => url.username)).toEqual([
      `${database}_app`,
      `${database}_owner`,
      `${database}_readonly`,
    ]);
    for (const url of users) {
      expect(decodeURIComponent(url.password).length).toBeGreaterThanOrEqual(32);
      expect(url.pathname).toBe(`/${database}`);
    }
    expect(new Set(users.map((url) => url.password)).size).toBe(3);
  });

  it('marks the database as this environment', async () => {
    const marker = await rows(
      first.urls.DATABASE_URL,
      'select project, environment from launchdb.environment',
    );
    expect(marker).toEqual([{ project: 'shop', environment: 'staging' }]);
  });

  it('lets the app role read and write the tables the owner creates', async () => {
    await as(first.urls.DATABASE_URL, async (client) => {
      await client.query(`insert into items (name) values ('kettle'), ('teapot')`);
      await client.query(`update items set name = 'big kettle' where name = 'kettle'`);
      await client.query(`delete from items where name = 'teapot'`);
      const { rows } = await client.query('select name from items');
      expect(rows).toEqual([{ name: 'big kettle' }]);
    });
  });

  it('lets the app role run the canary of launchdb.canary', async () => {
    await as(first.urls.DATABASE_URL, async (client) => {
      const { rows } = await client.query(`insert into launchdb.canary (token) values ('t') returning id`);
      await client.query('delete from launchdb.canary where id = $1', [rows[0].id]);
    });
  });

  it('refuses DDL to the app role, in public and in a new schema', async () => {
    await as(first.urls.DATABASE_URL, async (client) => {
      expect(await sqlState(client.query('create table sneaky (id int)'))).toBe('42501');
      expect(await sqlState(client.query('create schema sneaky'))).toBe('42501');
      expect(await sqlState(client.query('drop table items'))).toBe('42501');
      expect(await sqlState(client.query('alter table items add column price int'))).toBe('42501');
    });
  });

  it('makes the app role no superuser, with timeouts and a connection limit', async () => {
    await as(first.urls.DATABASE_URL, async (client) => {
      const show = async (name: string) => (await client.query(`show ${name}`)).rows[0][name];
      expect(await show('statement_timeout')).toBe('15s');
      expect(await show('idle_in_transaction_session_timeout')).toBe('1min');
      expect(await show('lock_timeout')).toBe('5s');
      const { rows } = await client.query(
        `select rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolinherit, rolconnlimit
           from pg_roles where rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolbypassrls: false,
        rolinherit: false,
        rolconnlimit: 20,
      });
    });
  });

  it('stores SCRAM verifiers, never plain passwords', async () => {
    const stored = await superuser(async (client) => {
      const { rows } = await client.query('select rolpassword from pg_authid where rolname like $1', [
        `${database}\\_%`,
      ]);
      return rows.map((row) => row.rolpassword as string);
    });
    expect(stored).toHaveLength(3);
    for (const verifier of stored) expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  it('closes the database to PUBLIC: a stranger cannot connect, nor create in public', async () => {
    const stranger = uniqueName('stranger');
    const password = 'stranger-password-1';
    secrets.add(password);
    await superuser((client) => client.query(`create role ${stranger} login password '${password}'`));
    const url = withCredentials(cluster.superuserUrl, { user: stranger, password, database });
    expect(await sqlState(as(url, (client) => client.query('select 1')))).toBe('42501');
    const [privileges] = await superuser(
      async (client) =>
        (
          await client.query(
            `select has_database_privilege($1, current_database(), 'CONNECT') as connect,
                    has_schema_privilege($1, 'public', 'CREATE') as create`,
            [stranger],
          )
        ).rows,
      database,
    );
    expect(privileges).toEqual({ connect: false, create: false });
  });

  it('lets the read-only role select, and nothing else', async () => {
    await as(first.urls.DATABASE_READONLY_URL, async (client) => {
      expect((await client.query('select name from items')).rows).toEqual([{ name: 'big kettle' }]);
      expect(await sqlState(client.query(`insert into items (name) values ('x')`))).toBe('25006');
      await client.query('begin read write');
      expect(await sqlState(client.query(`insert into items (name) values ('x')`))).toBe('42501');
      await client.query('rollback');
      expect(await sqlState(client.query('create table t (id int)'))).not.toBeUndefined();
    });
  });

  it('reconciles on a re-run: creates nothing, keeps the passwords', async () => {
    const again = await provisioned({ database, knownSecrets: { ...first.urls } });
    expect(again.created).toEqual([]);
    expect(again.differences).toEqual([]);
    expect(again.rotated).toBe(false);
    expect(again.urls).toEqual(first.urls);
    for (const url of Object.values(again.urls)) {
      expect(await rows(url, 'select current_user as who')).toHaveLength(1);
    }
    // Tables created since the first run get the grants too.
    await as(first.urls.DATABASE_URL, (client) => client.query('select count(*) from items'));
  });

  it('fixes what PUBLIC regained and reports role attributes it leaves alone', async () => {
    const app = `${database}_app`;
    await superuser((client) => client.query(`grant connect on database ${database} to public`));
    await superuser(async (client) => {
      await client.query('grant create on schema public to public');
      await client.query(`alter role ${app} createdb connection limit 50`);
      await client.query(`alter role ${app} reset lock_timeout`);
      await client.query(`alter role ${app} set statement_timeout = '30s'`);
    }, database);
    const again = await provisioned({ database, knownSecrets: { ...first.urls } });
    expect(again.created).toEqual(
      expect.arrayContaining([
        `revoke ALL on database ${database} from PUBLIC`,
        'revoke CREATE on schema public from PUBLIC',
        `setting lock_timeout = 5000ms for role ${app}`,
      ]),
    );
    expect(again.differences).toEqual(
      expect.arrayContaining([
        `role ${app} can create databases (expected not)`,
        `role ${app} has connection limit 50 (expected 20)`,
        `role ${app} has statement_timeout = 30s (expected 15000ms)`,
      ]),
    );
    const state = await superuser(
      async (client) =>
        (
          await client.query(
            `select rolcreatedb, rolconnlimit,
                    has_database_privilege('public', current_database(), 'CONNECT') as public_connect
               from pg_roles where rolname = $1`,
            [app],
          )
        ).rows[0],
      database,
    );
    expect(state).toEqual({ rolcreatedb: true, rolconnlimit: 50, public_connect: false });
    await superuser(async (client) => {
      await client.query(`alter role ${app} nocreatedb connection limit 20`);
      await client.query(`alter role ${app} set statement_timeout = '15s'`);
    });
  });

  it('rotates passwords only when asked: the old ones stop working', async () => {
    const rotated = await provisioned({ database, rotate: true, knownSecrets: { ...first.urls } });
    expect(rotated.rotated).toBe(true);
    expect(rotated.differences).toEqual([]);
    for (const key of ['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'DATABASE_READONLY_URL'] as const) {
      expect(rotated.urls[key]).not.toBe(first.urls[key]);
      expect(await sqlState(rows(first.urls[key], 'select 1'))).toBe('28P01');
      expect(await rows(rotated.urls[key], 'select 1 as ok')).toEqual([{ ok: 1 }]);
    }
    first = rotated;
  });

  it('refuses roles that exist with an unknown password unless rotating', async () => {
    const error = await failure(provision(options({ database })));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${database}_app`);
    expect(error.fix).toContain('--rotate');
    // Nothing changed: the current passwords still work.
    expect(await rows(first.urls.DATABASE_URL, 'select 1 as ok')).toEqual([{ ok: 1 }]);
  });

  it('refuses a known password the server no longer accepts', async () => {
    const stale = withCredentials(first.urls.DATABASE_URL, { password: 'not-the-password' });
    const error = await failure(
      provision(options({ database, knownSecrets: { ...first.urls, DATABASE_URL: stale } })),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`${database}_app`);
    expect(error.fix).toContain('--rotate');
  });

  it('refuses a database marked for another environment, before touching its roles', async () => {
    const error = await failure(provision(options({ database, environment: 'production', rotate: true })));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('already attached to environment "staging"');
    expect(await rows(first.urls.DATABASE_URL, 'select 1 as ok')).toEqual([{ ok: 1 }]);
  });
});

describe('provision with an admin that is not a superuser', () => {
  async function limitedAdmin(attributes: string): Promise<string> {
    const name = uniqueName('admin');
    const password = `pw-${name}`;
    secrets.add(password);
    await superuser((client) =>
      client.query(`create role ${name} login ${attributes} password '${password}'`),
    );
    return withCredentials(cluster.superuserUrl, { user: name, password });
  }

  it('provisions everything with CREATEDB and CREATEROLE', async () => {
    const adminUrl = await limitedAdmin('createdb createrole');
    const result = await provisioned({ adminUrl });
    expect(result.differences).toEqual([]);
    const marker = await rows(result.urls.DATABASE_URL, 'select environment from launchdb.environment');
    expect(marker).toEqual([{ environment: 'staging' }]);
    await as(result.urls.DATABASE_MIGRATION_URL, (client) =>
      client.query('create table t (id serial primary key)'),
    );
    await as(result.urls.DATABASE_URL, async (client) => {
      await client.query('insert into t default values');
      expect(await sqlState(client.query('create table u (id int)'))).toBe('42501');
    });
    const again = await provisioned({
      adminUrl,
      database: result.database,
      knownSecrets: { ...result.urls },
    });
    expect(again.created).toEqual([]);
    expect(again.differences).toEqual([]);
  });

  it('refuses an admin without CREATEROLE with exit 3, creating nothing', async () => {
    const database = uniqueName('shop');
    const error = await failure(provision(options({ adminUrl: await limitedAdmin('createdb'), database })));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/lacks CREATEROLE; it cannot provision roles/);
    expect(error.message).toContain(`127.0.0.1:${cluster.port}`);
    expect(await existing(database)).toEqual({ database: false, roles: [] });
  });

  it('refuses an admin without CREATEDB with exit 3, creating nothing', async () => {
    const database = uniqueName('shop');
    const error = await failure(provision(options({ adminUrl: await limitedAdmin('createrole'), database })));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/lacks CREATEDB; it cannot provision databases/);
    expect(await existing(database)).toEqual({ database: false, roles: [] });
  });

  it('reports a wrong admin password as unreachable, without the password', async () => {
    const adminUrl = withCredentials(cluster.superuserUrl, { password: 'wrong-admin-password' });
    secrets.add('wrong-admin-password');
    const error = await failure(provision(options({ adminUrl })));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toContain('password authentication failed');
  });
});

describe('provision into a database that already exists', () => {
  it('keeps its owner, reports it, and lets the owner role run migrations', async () => {
    const database = uniqueName('shop');
    await superuser((client) => client.query(`create database ${database}`));
    const result = await provisioned({ database });
    expect(result.differences).toEqual([
      `database ${database} is owned by postgres (expected ${database}_owner)`,
    ]);
    expect(result.created).toContain(
      `grant CONNECT, CREATE, TEMPORARY on database ${database} to ${database}_owner`,
    );
    await as(result.urls.DATABASE_MIGRATION_URL, (client) => client.query('create table t (id int)'));
    await as(result.urls.DATABASE_URL, async (client) => {
      await client.query('insert into t values (1)');
      expect(await sqlState(client.query('create table u (id int)'))).toBe('42501');
    });
    const publicConnect = await superuser(
      async (client) =>
        (await client.query(`select has_database_privilege('public', $1, 'CONNECT') as ok`, [database]))
          .rows[0].ok,
    );
    expect(publicConnect).toBe(false);
  });

  it('refuses an admin that is not its owner, before creating any role', async () => {
    const database = uniqueName('shop');
    const name = uniqueName('admin');
    const password = `pw-${name}`;
    secrets.add(password);
    await superuser(async (client) => {
      await client.query(`create database ${database}`);
      await client.query(`create role ${name} login createdb createrole password '${password}'`);
    });
    const adminUrl = withCredentials(cluster.superuserUrl, { user: name, password });
    const error = await failure(provision(options({ adminUrl, database })));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toContain(`is owned by postgres`);
    expect(await existing(database)).toEqual({ database: true, roles: [] });
  });
});

describe('provision settings', () => {
  it('applies the app role settings from the config', async () => {
    const result = await provisioned({
      roles: { statementTimeout: 2_500, idleInTransactionTimeout: 0, lockTimeout: 1_000, connectionLimit: 7 },
    });
    await as(result.urls.DATABASE_URL, async (client) => {
      const show = async (name: string) => (await client.query(`show ${name}`)).rows[0][name];
      expect(await show('statement_timeout')).toBe('2500ms');
      expect(await show('idle_in_transaction_session_timeout')).toBe('0');
      expect(await show('lock_timeout')).toBe('1s');
      const { rows } = await client.query('select rolconnlimit from pg_roles where rolname = current_user');
      expect(rows[0].rolconnlimit).toBe(7);
    });
  });

  it('refuses a database name too long for its role names', async () => {
    const error = await failure(provision(options({ database: `shop_${'x'.repeat(60)}` })));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('too long');
  });
});
