// launchdb/pool's options: what each connection is told at startup, where the values come from, and bad input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, type LaunchdbPool, type PoolOptions } from '../../src/pool/index.js';
import { projectName } from '../../src/pool/project-name.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';

const database = uniqueName('ldb_pool_options');
const url = serverUrlFor(database);
const pools: LaunchdbPool[] = [];

function pool(options: PoolOptions = {}): LaunchdbPool {
  const created = createPool({ url, project: 'shop', ...options });
  pools.push(created);
  return created;
}

async function settingsOf(created: LaunchdbPool) {
  const { rows } = await created.query(
    `select current_setting('application_name') as application_name,
       current_setting('statement_timeout') as statement_timeout,
       current_setting('idle_in_transaction_session_timeout') as idle_in_transaction,
       current_setting('lock_timeout') as lock_timeout`,
  );
  return rows[0];
}

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(pools.splice(0).map((created) => created.end().catch(() => {})));
});

describe.skipIf(!serverAvailable)('launchdb/pool connections', () => {
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
  });

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('sets the conservative session settings at startup, matching the app role’s defaults', async () => {
    const created = pool();
    expect(await settingsOf(created)).toEqual({
      application_name: 'shop:web',
      statement_timeout: '15s',
      idle_in_transaction: '1min',
      lock_timeout: '5s',
    });
    expect(created.settings).toMatchObject({
      max: 5,
      connectTimeout: 5_000,
      idleTimeout: 10_000,
      queryTimeout: 16_000,
    });
    expect(created.options).toMatchObject({ max: 5, idleTimeoutMillis: 10_000 });
  });

  it('takes the settings from the options', async () => {
    const created = pool({ statementTimeout: 1_500, idleInTransactionTimeout: 2_500, lockTimeout: 750 });
    expect(await settingsOf(created)).toMatchObject({
      statement_timeout: '1500ms',
      idle_in_transaction: '2500ms',
      lock_timeout: '750ms',
    });
  });

  it('names its connections <project>:<kind> in pg_stat_activity', async () => {
    const project = uniqueName('app');
    const worker = pool({ project, kind: 'worker' });
    const client = await worker.connect();
    try {
      const { rows } = await adminQuery(
        'select application_name from pg_stat_activity where datname = $1 and application_name like $2',
        [database, `${project}:%`],
      );
      expect(rows).toEqual([{ application_name: `${project}:worker` }]);
    } finally {
      client.release();
    }
  });

  it('reads the kind, the project and max from the environment', async () => {
    vi.stubEnv('LAUNCHDB_PROCESS_KIND', 'cron');
    vi.stubEnv('LAUNCHDB_PROJECT', 'billing');
    vi.stubEnv('LAUNCHDB_POOL_MAX', '3');
    vi.stubEnv('DATABASE_URL', url);
    const created = createPool();
    pools.push(created);
    expect((await settingsOf(created)).application_name).toBe('billing:cron');
    expect(created.options.max).toBe(3);
    expect(created.settings).toMatchObject({ kind: 'cron', project: 'billing', max: 3 });
  });

  it('behind PgBouncer sends no startup settings and sends named statements unnamed', async () => {
    const named = { name: 'launchdb_named', text: 'select $1::int as n', values: [1] };
    const direct = pool();
    const directClient = await direct.connect();
    try {
      await directClient.query(named);
      const { rows } = await directClient.query('select name from pg_prepared_statements');
      expect(rows).toEqual([{ name: 'launchdb_named' }]);
    } finally {
      directClient.release();
    }

    for (const bounced of [pool({ pgbouncer: true }), pool({ url: `${url}?pgbouncer=true` })]) {
      expect(bounced.settings.pgbouncer).toBe(true);
      expect((await settingsOf(bounced)).statement_timeout).toBe('0');
      const client = await bounced.connect();
      try {
        expect((await client.query(named)).rows).toEqual([{ n: 1 }]);
        expect((await client.query(named)).rows).toEqual([{ n: 1 }]);
        expect((await client.query('select name from pg_prepared_statements')).rows).toEqual([]);
      } finally {
        client.release();
      }
    }
    vi.stubEnv('LAUNCHDB_POOLER', 'pgbouncer');
    expect(pool().settings.pgbouncer).toBe(true);
  });

  it('passes the other pg options through', async () => {
    const created = pool({
      options: '-c work_mem=8MB',
      types: { getTypeParser: () => (value: string) => `parsed:${value}` },
      maxUses: 7,
    });
    const { rows } = await created.query('select current_setting($1) as work_mem, 41 + 1 as answer', [
      'work_mem',
    ]);
    expect(rows).toEqual([{ work_mem: 'parsed:8MB', answer: 'parsed:42' }]);
    expect(created.options.maxUses).toBe(7);
  });

  it('is a pg.Pool: connect() and release(), its events, and an ORM-style client query', async () => {
    const created = pool();
    expect(created).toBeInstanceOf(pg.Pool);
    const events: string[] = [];
    for (const event of ['connect', 'acquire', 'release'] as const)
      created.on(event, () => events.push(event));
    const client = await created.connect();
    const result = await client.query<{ n: number }>({ text: 'select $1::int as n', values: [7] });
    expect(result.rows).toEqual([{ n: 7 }]);
    expect(result.command).toBe('SELECT');
    client.release();
    expect(events).toEqual(['connect', 'acquire', 'release']);
    const rows = await new Promise((resolve, reject) =>
      created.connect((error, lent, done) => {
        if (error || !lent) return reject(error);
        lent.query('select 1 as one', (queryError: Error, answer: pg.QueryResult) => {
          done();
          return queryError ? reject(queryError) : resolve(answer.rows);
        });
      }),
    );
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('launchdb/pool bad input', () => {
  it('refuses a missing URL, naming DATABASE_URL', () => {
    vi.stubEnv('DATABASE_URL', '');
    expect(() => createPool()).toThrow('createPool: no database URL: set DATABASE_URL or pass { url }');
  });

  it('refuses an unparseable URL without echoing it', () => {
    expect(() => createPool({ url: 'not a url with s3cret' })).toThrow(/does not parse/);
    expect(() => createPool({ url: 'not a url with s3cret' })).not.toThrow(/s3cret/);
    expect(() => createPool({ url: 'mysql://u:s3cret@h/db' })).toThrow('must start with postgres://');
  });

  it('refuses a bad kind, max or time, naming the option or the variable', () => {
    expect(() => createPool({ url, kind: 'Web Worker' })).toThrow(
      'createPool: kind must be a lowercase name',
    );
    vi.stubEnv('LAUNCHDB_PROCESS_KIND', 'WEB');
    expect(() => createPool({ url })).toThrow('createPool: LAUNCHDB_PROCESS_KIND must be a lowercase name');
    vi.unstubAllEnvs();
    vi.stubEnv('LAUNCHDB_POOL_MAX', 'ten');
    expect(() => createPool({ url })).toThrow(
      'createPool: LAUNCHDB_POOL_MAX must be a whole number ≥ 1, got "ten"',
    );
    vi.unstubAllEnvs();
    expect(() => createPool({ url, max: 0 })).toThrow('createPool: max must be a whole number ≥ 1, got 0');
    expect(() => createPool({ url, statementTimeout: -1 })).toThrow(
      'statementTimeout must be a whole number ≥ 0',
    );
    expect(() => createPool({ url, lockTimeout: 1.5 })).toThrow('lockTimeout must be a whole number ≥ 0');
  });
});

describe('the project name for application_name', () => {
  const dirs: string[] = [];
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'launchdb-pool-project-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is the project of launchdb.config, then package.json’s name, then app', () => {
    const ts =
      "import { defineConfig } from 'launchdb';\nexport default defineConfig({ project: 'shop', environments: {} });\n";
    expect(projectName(folder({ 'launchdb.config.ts': ts, 'package.json': '{"name":"web"}' }))).toBe('shop');
    expect(projectName(folder({ 'launchdb.config.json': '{"project":"billing","environments":{}}' }))).toBe(
      'billing',
    );
    expect(projectName(folder({ 'package.json': '{"name":"@acme/storefront"}' }))).toBe('storefront');
    expect(projectName(folder({}))).toBe('app');
  });
});
