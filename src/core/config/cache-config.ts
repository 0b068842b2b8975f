// The `environments.<env>.cache` section of the config: its shape and its validation.
import { z } from 'zod';
import type { Configurable } from './env-ref.js';
import { envRef, millis } from './zod-parts.js';

/** What an environment keeps in its Redis, which decides the eviction and persistence it needs. */
export const CACHE_HOLDS = ['cache', 'sessions', 'queues', 'durable'] as const;
export type CacheHolds = (typeof CACHE_HOLDS)[number];

/**
 * An environment's cache. `{}` is the embedded default: a private `redis-server` under
 * `.launchdb/<env>/cache`. With a `url`, an `adminUrl`, `REDIS_URL`/`REDIS_ADMIN_URL` or an attachment
 * (`attach cache --url`), a Redis server.
 */
export interface CacheStoreConfig {
  /** The app's Redis: `redis://[user:password@]host:port[/db]` or `rediss://`. @example env('REDIS_URL') */
  url?: Configurable<string>;
  /** A Redis user allowed `ACL SETUSER`: attach provisions the environment's own ACL user with it. */
  adminUrl?: Configurable<string>;
  /**
   * What the data is: `cache` (default; anything may be evicted, it is rebuilt from elsewhere),
   * `sessions` (must expire by TTL, never be evicted early), `queues` or `durable` (never evicted,
   * never lost).
   */
  holds?: CacheHolds;
  /** The app treats the data as durable: a restart must not lose it. Default true for `queues` and `durable`. */
  durable?: boolean;
  /** The environment's keys start with this. Default `<project>:<env>:`. */
  keyPrefix?: string;
  /** Connection time limit in ms (default 10 s); `--connect-timeout` overrides it. */
  connectTimeout?: number;
}

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/[^/\s]+/, { message: 'expected a redis:// or rediss:// URL' });

export const cacheStoreSchema = z.strictObject({
  url: redisUrl.or(envRef).optional(),
  adminUrl: redisUrl.or(envRef).optional(),
  holds: z
    .enum(CACHE_HOLDS, { message: `expected one of ${CACHE_HOLDS.map((h) => `'${h}'`).join(', ')}` })
    .optional(),
  durable: z.boolean().optional(),
  keyPrefix: z
    .string()
    .regex(/^[^\s*?[\]]+$/, { message: 'expected a key prefix without spaces or glob characters (* ? [ ])' })
    .optional(),
  connectTimeout: millis.optional(),
});
