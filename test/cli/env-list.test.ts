// `launchdb env list` over embedded, server, unset and unreachable environments, without leaking a password.
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { ensureMarker } from '../../src/stores/postgres/marker.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, serverAvailable, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const PASSWORD = 's3cretpw';

interface Store {
  store: string;
  backing: string;
  database: string | null;
  host: string | null;
  status: string;
  reachable: boolean;
  version: string | null;
  size: string | null;
  sizeBytes: number | null;
  attached: boolean;
  marker: { project: string; environment: string } | null;
  error?: string;
}

describe.skipIf(!serverAvailable)('launchdb env list', () => {
  let project: TempProject;
  let stagingDb: string;
  const savedProdUrl = process.env.PROD_DATABASE_URL;

  beforeAll(async () => {
    delete process.env.PROD_DATABASE_URL;
    stagingDb = uniqueName('ldb_envlist');
    await adminQuery(`create database ${stagingDb}`);
    // The trust server takes any password: this one only has to stay out of the output.
    const stagingUrl = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${stagingDb}`;
    project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {} },
    preview: { postgres: {} },
    staging: { postgres: { url: '${stagingUrl}' } },
    qa: { postgres: { url: 'postgresql://app:${PASSWORD}@127.0.0.1:1/shop_qa', connectTimeout: 2000 } },
    production: { postgres: { url: env('PROD_DATABASE_URL') } },
  },
}`);
    const development = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    try {
      await ensureMarker(development, project.name, 'development', 'development');
    } finally {
      await development.close();
    }
    const staging = await openServer(stagingUrl);
    try {
      await ensureMarker(staging, project.name, 'staging', 'staging');
    } finally {
      await staging.close();
    }
  });

  afterAll(async () => {
    if (savedProdUrl !== undefined) process.env.PROD_DATABASE_URL = savedProdUrl;
    project?.remove();
    if (stagingDb) await adminQuery(`drop database if exists ${stagingDb} with (force)`);
  });

  it('reports every environment as one JSON document, exit 0 even with stores down', async () => {
    const result = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
    const document = JSON.parse(result.stdout);
    expect(document.project).toBe(project.name);
    expect(document.environments.map((env: { environment: string }) => env.environment)).toEqual([
      'development',
      'preview',
      'staging',
      'qa',
      'production',
    ]);
    const byName = Object.fromEntries(
      document.environments.map((env: { environment: string; guarded: boolean; stores: Store[] }) => [
        env.environment,
        env,
      ]),
    );
    expect(byName.production.guarded).toBe(true);
    expect(byName.staging.guarded).toBe(false);
    const store = (name: string): Store => byName[name].stores[0];

    expect(store('development')).toMatchObject({
      store: 'postgres',
      backing: 'embedded',
      database: 'postgres',
      host: '.launchdb/development/postgres',
      status: 'reachable',
      reachable: true,
      attached: true,
      marker: { project: project.name, environment: 'development' },
    });
    expect(store('development').version).toMatch(/^\d+\.\d+/);
    expect(store('development').sizeBytes).toBeGreaterThan(1_000_000);
    expect(store('development').size).toMatch(/\d+ (kB|MB)/);

    expect(store('preview')).toMatchObject({
      backing: 'embedded',
      host: '.launchdb/preview/postgres',
      status: 'not attached',
      reachable: false,
      attached: false,
      version: null,
      sizeBytes: null,
    });

    expect(store('staging')).toMatchObject({
      backing: 'server',
      database: stagingDb,
      host: '127.0.0.1:5432',
      status: 'reachable',
      reachable: true,
      attached: true,
      marker: { project: project.name, environment: 'staging' },
    });
    expect(store('staging').version).toMatch(/^1[5-9]\./);
    expect(store('staging').sizeBytes).toBeGreaterThan(1_000_000);

    expect(store('qa')).toMatchObject({
      backing: 'server',
      database: 'shop_qa',
      host: '127.0.0.1:1',
      status: 'unreachable',
      reachable: false,
      attached: false,
    });
    expect(store('qa').error).toContain('cannot reach Postgres at 127.0.0.1:1');

    expect(store('production')).toMatchObject({
      backing: 'server',
      status: 'not configured',
      reachable: false,
      host: null,
    });
    expect(store('production').error).toContain('PROD_DATABASE_URL');
  });

  it('prints a table with backing, database, host, reachable, version, size and attachment', async () => {
    const result = await runCli(['env', 'list'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
    const lines = result.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('ENVIRONMENT'))).toMatch(
      /ENVIRONMENT\s+STORE\s+BACKING\s+DATABASE\s+HOST\s+REACHABLE\s+VERSION\s+SIZE\s+ATTACHED/,
    );
    const row = (name: string) => lines.find((line) => line.startsWith(`${name} `)) ?? '';
    expect(row('development')).toMatch(
      /postgres\s+embedded\s+postgres\s+\.launchdb\/development\/postgres\s+yes\s+\d+\.\d+\s+\d+ (kB|MB)\s+yes \(development\)/,
    );
    expect(row('preview')).toMatch(/embedded\s+postgres\s+\.launchdb\/preview\/postgres\s+not attached/);
    expect(row('staging')).toMatch(
      new RegExp(
        `server\\s+${stagingDb}\\s+127\\.0\\.0\\.1:5432\\s+yes\\s+1\\d\\.\\d+\\s+\\d+ (kB|MB)\\s+yes \\(staging\\)`,
      ),
    );
    expect(row('qa')).toMatch(/server\s+shop_qa\s+127\.0\.0\.1:1\s+no\b/);
    expect(row('production (guarded)')).toMatch(/server\s+-\s+-\s+no \(not configured\)/);
    // Why a store is down, below the table.
    expect(result.stdout).toContain('production postgres: environment variable PROD_DATABASE_URL is not set');
    expect(result.stdout).toContain('qa postgres: cannot reach Postgres at 127.0.0.1:1');
  });

  it('lists an environment that was never attached without creating it', async () => {
    await runCli(['env', 'list'], { cwd: project.dir });
    expect(existsSync(join(project.dir, '.launchdb', 'preview'))).toBe(false);
    expect(existsSync(join(project.dir, '.launchdb', 'development', 'postgres.lock'))).toBe(false);
  });

  it('reports an embedded environment held by another launchdb process as busy, naming it', async () => {
    const holder = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'), {
      command: 'migrate',
    });
    try {
      const result = await runCli(['env', 'list', '--json', '--connect-timeout', '500'], {
        cwd: project.dir,
      });
      expect(result.code).toBe(0);
      const development = JSON.parse(result.stdout).environments[0].stores[0];
      expect(development).toMatchObject({ status: 'busy', reachable: false, backing: 'embedded' });
      expect(development.error).toContain(`pid ${process.pid}, migrate`);
    } finally {
      await holder.close();
    }
  });

  it('probes environments concurrently, each giving up after --connect-timeout', async () => {
    // A server that accepts connections and never answers: only the timeout ends the wait.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const hanging = tempProject(`{
  project: '{project}',
  environments: {
    one: { postgres: { url: 'postgresql://app:${PASSWORD}@127.0.0.1:${port}/one' } },
    two: { postgres: { url: 'postgresql://app:${PASSWORD}@127.0.0.1:${port}/two' } },
    three: { postgres: { url: 'postgresql://app:${PASSWORD}@127.0.0.1:${port}/three' } },
  },
}`);
    try {
      const started = performance.now();
      const result = await runCli(['env', 'list', '--json', '--connect-timeout', '1500'], {
        cwd: hanging.dir,
      });
      const elapsed = performance.now() - started;
      expect(result.code).toBe(0);
      expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
      const stores = JSON.parse(result.stdout).environments.map((env: { stores: Store[] }) => env.stores[0]);
      for (const store of stores) {
        expect(store).toMatchObject({ status: 'unreachable', reachable: false });
        expect(store.error).toContain(`127.0.0.1:${port}`);
        expect(store.error).toContain('no answer within 1.5 s');
      }
      // Three waits of 1.5 s one after another would take 4.5 s.
      expect(elapsed).toBeGreaterThanOrEqual(1_500);
      expect(elapsed).toBeLessThan(4_000);
    } finally {
      hanging.remove();
      silent.close();
    }
  });
});
