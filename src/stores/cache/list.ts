// `env list`'s row for the cache: where, reachable or why not, the Redis version, its keys and memory
// (from INFO, never a SCAN), and the environment's marker.
import type { Environment } from '../../core/project.js';
import { passwordOf } from '../../core/redact.js';
import { type ListOptions, notConfigured, problem, type StoreListing, UNKNOWN } from '../store-listing.js';
import { keyspaceOf } from './info.js';
import { readCacheMarker } from './marker.js';
import { CacheSession } from './session.js';
import { type CacheTarget, parseRedisUrl, resolveCacheTarget } from './target.js';

export async function listCache(env: Environment, options: ListOptions): Promise<StoreListing> {
  let target: CacheTarget | undefined;
  try {
    target = resolveCacheTarget(env);
  } catch (error) {
    return notConfigured({ store: 'cache', backing: 'server' }, error);
  }
  if (!target) throw new Error(`environment ${env.name} declares a cache but resolves no target`);
  const base = {
    store: 'cache',
    backing: target.backing,
    database: `db ${target.db}, keys ${target.keyPrefix}*`,
    host: target.backing === 'embedded' ? target.location : `${target.host}:${target.port}`,
  } as const;
  const session = new CacheSession(env, target, { connectTimeoutMs: options.connectTimeoutMs });
  try {
    const client = await session.connect();
    const password = session.url ? passwordOf(session.url) : undefined;
    if (password) options.secrets.add(password);
    const [server, memory, keyspace, marker] = await Promise.all([
      session.info('server'),
      session.info('memory'),
      session.info('keyspace'),
      readCacheMarker(client, target.keyPrefix),
    ]);
    const { db } = parseRedisUrl(session.url as string, 'REDIS_URL');
    const keys = keyspaceOf(keyspace, db).keys;
    const bytes = Number(memory.used_memory ?? 0);
    return {
      ...base,
      status: 'reachable',
      reachable: true,
      version: server.redis_version ?? null,
      size: `${keys.toLocaleString('en-US')} key${keys === 1 ? '' : 's'} in db ${db}, ${memory.used_memory_human ?? `${bytes} B`} used`,
      sizeBytes: bytes,
      attached: marker !== undefined,
      marker: marker ?? null,
    };
  } catch (error) {
    // Embedded never started, or an admin URL never used to provision: nothing to reach yet.
    const notAttached = target.url === undefined;
    return { ...base, status: notAttached ? 'not attached' : 'unreachable', ...UNKNOWN, ...problem(error) };
  } finally {
    await session.close();
  }
}
