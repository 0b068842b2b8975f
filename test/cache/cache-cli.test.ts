// The cache through the CLI: attach the embedded private redis-server (really spawned, left running,
// reused), provision an ACL user with --admin-url (re-run reconciles, --rotate), env list and check
// --json rows; the bad cases: an unreachable endpoint and a wrong password (exit 3, never a password).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedState } from '../../src/stores/cache/embedded-state.js';
import { runBin, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const ADMIN_PASSWORD = 'admin-secret-0451';
const WRONG_PASSWORD = 'wrong-secret-0452';
let server: RedisServer;
let project: TempProject;
let closed: number;
const embeddedFolder = () => join(project.dir, '.launchdb/development/cache');
const secretsOf = (env: string) => readFileSync(join(project.dir, `.launchdb/secrets/${env}.env`), 'utf8');
const recordedUrl = (env: string) => JSON.parse(/REDIS_URL=(.*)/.exec(secretsOf(env))?.[1] ?? '""') as string;

beforeAll(async () => {
  server = await startRedisServer({
    acl: [`user default on >${ADMIN_PASSWORD} ~* &* +@all`],
    login: { user: 'default', password: ADMIN_PASSWORD },
    maxmemoryPolicy: 'allkeys-lru',
    maxmemory: '64mb',
  });
  closed = await closedPort();
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { cache: {} },
    staging: { cache: { adminUrl: env('REDIS_ADMIN_URL') } },
    wrong: { cache: { url: 'redis://:${WRONG_PASSWORD}@127.0.0.1:${server.port}/0' } },
    down: { cache: { url: 'redis://:${WRONG_PASSWORD}@127.0.0.1:${closed}/0' } },
    nobinary: { cache: {} },
    unprovisioned: { cache: { adminUrl: env('REDIS_ADMIN_URL') } },
  },
}`);
  for (const env of ['staging', 'unprovisioned']) {
    project.write(`.env.${env}`, `REDIS_ADMIN_URL=redis://:${ADMIN_PASSWORD}@127.0.0.1:${server.port}/0\n`);
  }
}, 60_000);

afterAll(async () => {
  // The embedded server is left running for the app by design: the test stops it.
  const state = project && readEmbeddedState(embeddedFolder());
  if (state) process.kill(state.pid, 'SIGTERM');
  await server?.close();
  project?.remove();
});

describe('attach cache', () => {
  it('embedded: a private redis-server under .launchdb/<env>/cache, marked, left running, reused', async () => {
    const result = await runCli(['attach', 'cache', '--env', 'development'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /attached: cache \(embedded\) to development at \.launchdb\/development\/cache/,
    );
    expect(result.stdout).toMatch(/created redis-server under \.launchdb\/development\/cache \(left running/);
    const state = readEmbeddedState(embeddedFolder());
    expect(state).toBeDefined();
    expect(() => process.kill(state?.pid ?? 0, 0)).not.toThrow();
    expect(statSync(join(embeddedFolder(), 'server.json')).mode & 0o777).toBe(0o600);
    expect(recordedUrl('development')).toBe(`redis://:${state?.password}@127.0.0.1:${state?.port}/0`);
    expect(result.stdout).not.toContain(state?.password);
    const again = await runCli(['attach', 'cache', '--env', 'development'], { cwd: project.dir });
    expect(again.stdout).toMatch(/already attached/);
    expect(readEmbeddedState(embeddedFolder())?.pid).toBe(state?.pid);
  });

  it('--admin-url (here from the config): an ACL user limited to the prefix, its URL recorded, never printed', async () => {
    const result = await runCli(['attach', 'cache', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const user = `${project.name}_staging`;
    expect(JSON.parse(result.stdout)).toMatchObject({
      store: 'cache',
      mode: 'provision',
      marked: true,
      source: 'environments.staging.cache.adminUrl, $REDIS_ADMIN_URL',
      provisioned: {
        created: [`ACL user ${user} (keys and channels ${project.name}:staging:*)`],
        differences: [],
      },
    });
    const url = recordedUrl('staging');
    expect(url).toMatch(new RegExp(`^redis://${user}:[^@]+@127\\.0\\.0\\.1:${server.port}/0$`));
    const password = decodeURIComponent(new URL(url).password);
    expect(result.stdout).not.toContain(password);
    expect(result.stdout).not.toContain(ADMIN_PASSWORD);
    // The app's user writes under its prefix, nowhere else, and may not run admin commands.
    const app = createClient({ url, socket: { reconnectStrategy: false } });
    await app.connect();
    await app.set(`${project.name}:staging:k`, 'v');
    await expect(app.set('elsewhere:k', 'v')).rejects.toThrow(/NOPERM/);
    await expect(app.sendCommand(['CONFIG', 'GET', 'save'])).rejects.toThrow(/NOPERM/);
    app.destroy();
    // Saved to the aclfile: a restart keeps it.
    expect(readFileSync(join(server.folder, 'users.acl'), 'utf8')).toContain(`user ${user} on`);
  });

  it('a re-run keeps the password; --rotate sets a new one', async () => {
    const before = recordedUrl('staging');
    const again = await runCli(['attach', 'cache', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      marked: false,
      provisioned: { created: [], differences: [] },
    });
    expect(recordedUrl('staging')).toBe(before);
    const rotated = await runCli(['attach', 'cache', '--env', 'staging', '--rotate', '--json'], {
      cwd: project.dir,
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ provisioned: { rotated: true } });
    expect(recordedUrl('staging')).not.toBe(before);
  });

  it('a re-run reports an ACL user changed by hand, and puts it back', async () => {
    const user = `${project.name}_staging`;
    const admin = await server.client();
    await admin.sendCommand(['ACL', 'SETUSER', user, '~*']);
    admin.destroy();
    const result = await runCli(['attach', 'cache', '--env', 'staging'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `differs ACL user ${user} keys were "~*", now "~${project.name}:staging:*"`,
    );
    const again = await runCli(['attach', 'cache', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(JSON.parse(again.stdout)).toMatchObject({ provisioned: { differences: [] } });
  });

  it('embedded without redis-server on the PATH: exit 2 naming the package to install', async () => {
    // The built CLI, with a PATH that has no redis-server (node is run by its full path).
    const result = await runBin(['attach', 'cache', '--env', 'nobinary'], {
      cwd: project.dir,
      env: { PATH: '/nonexistent' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the embedded cache needs redis-server, which is not on the PATH');
    expect(result.stderr).toContain('apt-get install redis-server');
  });

  it('bad config values: one problem each, naming its path', async () => {
    const bad = tempProject(`{
  project: '{project}',
  environments: {
    development: { cache: { url: 'http://127.0.0.1:6379', holds: 'session', keyPrefix: 'a *' } },
  },
}`);
    try {
      const result = await runCli(['env', 'list'], { cwd: bad.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'environments.development.cache.url: expected a redis:// or rediss:// URL',
      );
      expect(result.stderr).toContain(
        "environments.development.cache.holds: expected one of 'cache', 'sessions', 'queues', 'durable'",
      );
      expect(result.stderr).toContain(
        'environments.development.cache.keyPrefix: expected a key prefix without spaces',
      );
    } finally {
      bad.remove();
    }
  });

  it('a wrong password: exit 3 naming host:port and the user, never the password', async () => {
    const result = await runCli(['attach', 'cache', '--env', 'wrong'], { cwd: project.dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `Redis at 127.0.0.1:${server.port}/0 refused the credentials of user "default"`,
    );
    expect(result.stderr + result.stdout).not.toContain(WRONG_PASSWORD);
  });

  it('an endpoint that does not answer: exit 3 naming host:port and why, never the password', async () => {
    const result = await runCli(['attach', 'cache', '--env', 'down'], { cwd: project.dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach Redis at 127.0.0.1:${closed}/0: connection refused`);
    expect(result.stderr + result.stdout).not.toContain(WRONG_PASSWORD);
  });
});

describe('env list and check', () => {
  it('env list shows every environment’s cache, reachable or why not', async () => {
    const result = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const rows = Object.fromEntries(
      JSON.parse(result.stdout).environments.map((env: { environment: string; stores: unknown[] }) => [
        env.environment,
        env.stores[0],
      ]),
    );
    expect(rows.development).toMatchObject({
      store: 'cache',
      backing: 'embedded',
      host: '.launchdb/development/cache',
      status: 'reachable',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      size: expect.stringMatching(/^1 key in db 0, .* used$/),
      attached: true,
      marker: { environment: 'development' },
    });
    expect(rows.staging).toMatchObject({
      backing: 'server',
      status: 'reachable',
      attached: true,
      marker: { environment: 'staging' },
    });
    expect(rows.wrong).toMatchObject({
      status: 'unreachable',
      error: expect.stringMatching(/refused the credentials/),
    });
    expect(rows.nobinary).toMatchObject({
      status: 'not attached',
      fix: 'run `launchdb attach cache --env nobinary`',
    });
    expect(rows.unprovisioned).toMatchObject({
      status: 'not attached',
      host: `127.0.0.1:${server.port}`,
      error: expect.stringMatching(/is not attached/),
    });
    expect(rows.down).toMatchObject({
      status: 'unreachable',
      error: expect.stringMatching(/connection refused/),
    });
    expect(result.stdout).not.toContain(WRONG_PASSWORD);
    expect(result.stdout).not.toContain(ADMIN_PASSWORD);
  });

  it('check --json reports the cache area; the embedded Redis passes every check', async () => {
    const result = await runCli(['check', '--env', 'development', '--json'], { cwd: project.dir });
    const report = JSON.parse(result.stdout);
    const byId = Object.fromEntries(
      report.checks.map((check: { id: string; status: string }) => [check.id, check.status]),
    );
    expect(byId).toEqual({
      'cache.reachable': 'pass',
      'cache.auth': 'pass',
      'cache.eviction-policy': 'pass',
      'cache.not-source-of-truth': 'pass',
      'cache.persistence-assumption': 'pass',
      'cache.memory': 'pass',
      'cache.isolation': 'pass',
    });
    expect(result.code).toBe(0);
  });

  it('the provisioned user may not read ACL LIST or CONFIG, and its checks still judge from INFO', async () => {
    const result = await runCli(['check', '--env', 'staging', '--json'], { cwd: project.dir });
    const checks = JSON.parse(result.stdout).checks as { id: string; status: string; details?: unknown }[];
    const byId = Object.fromEntries(checks.map((check) => [check.id, check]));
    expect(byId['cache.auth']).toMatchObject({
      status: 'pass',
      details: { passwordlessUsers: 'ACL LIST not permitted' },
    });
    expect(byId['cache.eviction-policy']?.status).toBe('pass');
    expect(byId['cache.isolation']).toMatchObject({ status: 'pass', details: { keysLimitedToPrefix: true } });
  });

  it('an unreachable cache: check exits 3 on cache.reachable, the other checks skipped', async () => {
    const result = await runCli(['check', '--env', 'down', '--json'], { cwd: project.dir });
    expect(result.code).toBe(3);
    const checks = JSON.parse(result.stdout).checks as { id: string; status: string }[];
    expect(checks.find((check) => check.id === 'cache.reachable')?.status).toBe('fail');
    expect(
      checks.filter((check) => check.id !== 'cache.reachable').every((check) => check.status === 'skip'),
    ).toBe(true);
    expect(result.stdout).not.toContain(WRONG_PASSWORD);
  });
});
