// The cache checks against private redis-server instances, one per configuration: open (no password,
// noeviction, no maxmemory, no AOF), good (password, allkeys-lru, maxmemory, AOF), full (near its
// maxmemory under noeviction) and acl (default user off, per-environment users limited to their
// prefix, and an unlimited admin). Each check fails and passes where it should.
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { attachCache, planAttachCache } from '../../src/stores/cache/attach.js';
import type { CacheCheckContext } from '../../src/stores/cache/checks/context.js';
import { cacheChecks } from '../../src/stores/cache/checks/index.js';
import { CacheSession } from '../../src/stores/cache/session.js';
import { resolveCacheTarget } from '../../src/stores/cache/target.js';
import { uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const name = uniqueName('c');
/** This machine's first non-loopback IPv4 address, for an open Redis off loopback. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
let open: RedisServer;
let good: RedisServer;
let full: RedisServer;
let acl: RedisServer;
let project: TempProject;
let loaded: Project;
const sessions: CacheSession[] = [];
const aclUrl = (user: string, password: string, db = 0) =>
  `redis://${user}:${password}@127.0.0.1:${acl.port}/${db}`;

beforeAll(async () => {
  // Settled one by one into the variables, so afterAll stops those that started if one did not.
  const started = await Promise.allSettled([
    startRedisServer(),
    startRedisServer({
      password: 'good-pw',
      maxmemoryPolicy: 'allkeys-lru',
      maxmemory: '64mb',
      appendonly: true,
    }),
    startRedisServer({ password: 'full-pw' }),
    startRedisServer({
      acl: [
        'user default off',
        'user admin on >admin-pw ~* &* +@all',
        `user a on >a-pw ~${name}:acl-a:* +@all -@admin +info`,
        `user b on >b-pw ~${name}:acl-b:* +@all -@admin +info`,
      ],
      login: { user: 'admin', password: 'admin-pw' },
    }),
  ]);
  [open, good, full, acl] = started.map((outcome) =>
    outcome.status === 'fulfilled' ? outcome.value : undefined,
  ) as [RedisServer, RedisServer, RedisServer, RedisServer];
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  project = tempProject(
    `{
  project: '{project}',
  environments: {
    development: { cache: { url: '${open.url(0)}' } },
    production: { cache: { url: '${open.url(1)}' } },
    'durable-open': { cache: { url: '${open.url(2)}', holds: 'durable' } },
    good: { cache: { url: '${good.url(0)}' } },
    'durable-good': { cache: { url: '${good.url(2)}', holds: 'queues' } },
    'no-ttl': { cache: { url: '${good.url(1)}' } },
    'sessions-lru': { cache: { url: '${good.url(4)}', holds: 'sessions' } },
    full: { cache: { url: '${full.url(0)}', holds: 'queues' } },
    'acl-a': { cache: { url: '${aclUrl('a', 'a-pw')}' } },
    'acl-b': { cache: { url: '${aclUrl('b', 'b-pw')}' } },
    'shared-x': { cache: { url: '${aclUrl('admin', 'admin-pw', 3)}' } },
    'shared-y': { cache: { url: '${aclUrl('admin', 'admin-pw', 3)}' } },
    thief: { cache: { url: '${aclUrl('admin', 'admin-pw')}', keyPrefix: '${name}:acl-a:' } },
    unmarked: { cache: { url: '${aclUrl('admin', 'admin-pw', 5)}' } },
  },
}`,
    name,
  );
  loaded = await Project.load(project.dir);
  for (const env of ['acl-a', 'acl-b', 'shared-x', 'no-ttl', 'good']) {
    const environment = loaded.environment(env);
    await attachCache(environment, planAttachCache(environment, {}), {});
  }
  // 100 keys without a TTL, 3 with one: a cache taken for a source of truth.
  const goodClient = await good.client();
  await goodClient.select(1);
  await goodClient.sendCommand(['DEBUG', 'POPULATE', '100', `${name}:no-ttl:k`]);
  for (const i of [1, 2, 3]) await goodClient.set(`${name}:no-ttl:t${i}`, 'v', { EX: 600 });
  await goodClient.select(0);
  for (let i = 0; i < 50; i++) await goodClient.set(`${name}:good:t${i}`, 'v', { EX: 600 });
  goodClient.destroy();
  // Fill to within 5% of maxmemory under noeviction.
  const fullClient = await full.client();
  const used = Number(/used_memory:(\d+)/.exec(await fullClient.info('memory'))?.[1]);
  await fullClient.configSet('maxmemory', String(Math.round(used * 1.05)));
  fullClient.destroy();
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await Promise.all([open, good, full, acl].filter(Boolean).map((server) => server.close()));
  project?.remove();
});

function run(id: string, env: string): Promise<CheckOutcome> {
  const check = cacheChecks.find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const environment = loaded.environment(env);
  const session = new CacheSession(
    environment,
    resolveCacheTarget(environment) as NonNullable<ReturnType<typeof resolveCacheTarget>>,
    {
      connectTimeoutMs: 2_000,
    },
  );
  sessions.push(session);
  const context: CacheCheckContext = { project: loaded, env: environment, cache: session, now: new Date() };
  return check.run(context);
}

describe('cache.reachable', () => {
  it('passes with the version', async () => {
    const outcome = await run('cache.reachable', 'good');
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(/^Redis 7\.\d+\.\d+ answers at 127\.0\.0\.1:\d+\/0/);
  });
});

describe('cache.auth', () => {
  it('warns for an open loopback Redis in development, fails it in production', async () => {
    const dev = await run('cache.auth', 'development');
    expect(dev.status).toBe('warn');
    expect(dev.summary).toMatch(/answers a connection without a password \(loopback only/);
    const prod = await run('cache.auth', 'production');
    expect(prod.status).toBe('fail');
    expect(prod.summary).toMatch(/production is guarded/);
  });
  it.skipIf(!lanAddress)('fails an open Redis off loopback, in development too', async () => {
    const lan = await startRedisServer({ bind: lanAddress, unprotected: true });
    try {
      const lanProject = tempProject(
        `{ project: '{project}', environments: { development: { cache: { url: 'redis://${lanAddress}:${lan.port}/0' } } } }`,
      );
      try {
        const lanLoaded = await Project.load(lanProject.dir);
        const env = lanLoaded.environment('development');
        const cache = new CacheSession(
          env,
          resolveCacheTarget(env) as NonNullable<ReturnType<typeof resolveCacheTarget>>,
        );
        sessions.push(cache);
        const auth = cacheChecks.find((check) => check.id === 'cache.auth');
        const outcome = await auth?.run({ project: lanLoaded, env, cache, now: new Date() });
        expect(outcome?.status).toBe('fail');
        expect(outcome?.summary).toMatch(/answers a connection without a password, off loopback/);
      } finally {
        lanProject.remove();
      }
    } finally {
      await lan.close();
    }
  });

  it('passes with requirepass, and with the default user off', async () => {
    expect((await run('cache.auth', 'good')).status).toBe('pass');
    const withAcl = await run('cache.auth', 'shared-x');
    expect(withAcl.status).toBe('pass');
    expect(withAcl.details).toMatchObject({ unauthenticatedConnect: false, passwordlessUsers: [] });
  });
});

describe('cache.eviction-policy', () => {
  it('fails noeviction on a pure cache, and allkeys-lru holding sessions', async () => {
    const cache = await run('cache.eviction-policy', 'development');
    expect(cache.status).toBe('fail');
    expect(cache.summary).toMatch(/noeviction on a pure cache: when it is full, every write fails/);
    const sessionsOutcome = await run('cache.eviction-policy', 'sessions-lru');
    expect(sessionsOutcome.status).toBe('fail');
    expect(sessionsOutcome.fix).toMatch(/volatile-lru/);
  });
  it('passes allkeys-lru for a cache and noeviction for queues', async () => {
    expect((await run('cache.eviction-policy', 'good')).status).toBe('pass');
    expect((await run('cache.eviction-policy', 'full')).status).toBe('pass');
  });
});

describe('cache.not-source-of-truth', () => {
  it('fails a cache whose keys mostly have no TTL, from INFO keyspace', async () => {
    const outcome = await run('cache.not-source-of-truth', 'no-ttl');
    expect(outcome.status).toBe('fail');
    expect(outcome.details).toMatchObject({ db: 1, keys: 103, withTtl: 3, withoutTtl: 100 });
  });
  it('passes one whose keys expire', async () => {
    const outcome = await run('cache.not-source-of-truth', 'good');
    expect(outcome.status).toBe('pass');
    expect(outcome.details).toMatchObject({ keys: 50, withoutTtl: 0 });
  });
});

describe('cache.persistence-assumption', () => {
  it('fails durable data on a Redis without AOF or snapshots', async () => {
    const outcome = await run('cache.persistence-assumption', 'durable-open');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/keeps nothing on disk/);
  });
  it('passes it with AOF on, and a pure cache without persistence', async () => {
    expect((await run('cache.persistence-assumption', 'durable-good')).status).toBe('pass');
    expect((await run('cache.persistence-assumption', 'development')).status).toBe('pass');
  });
});

describe('cache.memory', () => {
  it('fails near maxmemory under noeviction, warns a cache without maxmemory', async () => {
    const nearFull = await run('cache.memory', 'full');
    expect(nearFull.status).toBe('fail');
    expect(nearFull.summary).toMatch(/writes fail when full under noeviction/);
    expect((await run('cache.memory', 'development')).status).toBe('warn');
  });
  it('passes with room', async () => {
    expect((await run('cache.memory', 'good')).status).toBe('pass');
  });
});

describe('cache.isolation', () => {
  it('passes environments sharing a server whose users are limited to their prefixes', async () => {
    const outcome = await run('cache.isolation', 'acl-b');
    expect(outcome.status).toBe('pass');
    expect(outcome.details).toMatchObject({ keysLimitedToPrefix: true });
  });
  it('fails an unlimited user on a server another environment uses, another environment’s marker, no marker', async () => {
    const shared = await run('cache.isolation', 'shared-x');
    expect(shared.status).toBe('fail');
    expect(shared.summary).toMatch(/user "admin" may touch every key/);
    const thief = await run('cache.isolation', 'thief');
    expect(thief.status).toBe('fail');
    expect(thief.summary).toMatch(/marked for environment "acl-a"/);
    // thief resolves to acl-a's database and prefix.
    const sharedPrefix = await run('cache.isolation', 'acl-a');
    expect(sharedPrefix.status).toBe('fail');
    expect(sharedPrefix.summary).toMatch(/are shared with thief/);
    const unmarked = await run('cache.isolation', 'unmarked');
    expect(unmarked.status).toBe('fail');
    expect(unmarked.summary).toMatch(/never attached/);
  });
  it('attach refuses a prefix marked for another environment', async () => {
    const thief = loaded.environment('thief');
    await expect(attachCache(thief, planAttachCache(thief, {}), {})).rejects.toThrow(
      /already attached to environment "acl-a".*nothing was changed/,
    );
  });
});
