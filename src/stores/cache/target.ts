// Where an environment's Redis is, and what it holds: resolved as flag, config, variable, recorded
// attachment, then the embedded default (a private redis-server under `.launchdb/<env>/cache`).
import { join } from 'node:path';
import type { CacheHolds } from '../../core/config/cache-config.js';
import { isEnvRef } from '../../core/config/env-ref.js';
import { UsageError } from '../../core/errors.js';
import { type Environment, resolveValue } from '../../core/project.js';
import { readSecrets } from '../../core/secrets.js';
import { checkUrl } from '../postgres/connection-url.js';
import { readEmbeddedState } from './embedded-state.js';

/** The secrets-file entry for the app's Redis URL, embedded or server. */
export const RECORDED_URL = 'REDIS_URL';
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface RedisAddress {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  /** The ACL user the URL logs in as; `default` when none. */
  user: string;
}

export interface CacheTarget extends RedisAddress {
  backing: 'embedded' | 'server';
  /** The app's URL, credentials and all; undefined for an embedded server not yet started. */
  url: string | undefined;
  /** Where it came from: `--url`, a config path, `$REDIS_URL`, the secrets file, `default`. */
  source: string;
  /** `host:port/db`, never a password; the folder for embedded. */
  location: string;
  /** The embedded server's folder. */
  folder: string;
  keyPrefix: string;
  holds: CacheHolds;
  durable: boolean;
}

/** The environment's cache, or undefined when the config declares none and no URL is given. */
export function resolveCacheTarget(env: Environment, flags: { url?: string; urlFlag?: string } = {}) {
  const config = env.config.cache;
  if (!config && !flags.url) return undefined;
  const folder = join(env.stateDir, env.name, 'cache');
  const holds = config?.holds ?? 'cache';
  const common = {
    folder,
    keyPrefix: config?.keyPrefix ?? `${env.project}:${env.name}:`,
    holds,
    durable: config?.durable ?? (holds === 'queues' || holds === 'durable'),
  };
  const chosen = chooseUrl(env, flags);
  const admin = chosen ? undefined : resolveCacheAdminUrl(env);
  if (admin) {
    // To be provisioned: the server is known, the app's URL not yet (attach records it).
    const address = parseRedisUrl(admin.url, admin.source);
    return {
      backing: 'server',
      ...address,
      user: aclUserOf(env.project, env.name),
      url: undefined,
      source: admin.source,
      location: describeAddress(address),
      ...common,
    } satisfies CacheTarget;
  }
  if (!chosen) {
    const state = readEmbeddedState(folder);
    const url = state ? embeddedUrl(state.port, state.password) : undefined;
    return {
      backing: 'embedded',
      ...(url
        ? parseRedisUrl(url, 'the embedded server')
        : { host: '127.0.0.1', port: 0, db: 0, tls: false, user: 'default' }),
      url,
      source: 'default',
      location: `.launchdb/${env.name}/cache`,
      ...common,
    } satisfies CacheTarget;
  }
  const address = parseRedisUrl(chosen.url, chosen.source);
  return {
    backing: 'server',
    ...address,
    url: chosen.url,
    source: chosen.source,
    location: describeAddress(address),
    ...common,
  } satisfies CacheTarget;
}

/** The app's URL: `--url`, the config's `url`, `$REDIS_URL`, then a server URL an earlier attach recorded. */
function chooseUrl(env: Environment, flags: { url?: string; urlFlag?: string }) {
  if (flags.url) return { url: flags.url, source: flags.urlFlag ?? '--url' };
  const configured = configuredCacheUrl(env, 'url');
  if (configured) return configured;
  const variable = env.vars.REDIS_URL;
  if (variable) return { url: variable, source: '$REDIS_URL' };
  const recorded = readSecrets(env.stateDir, env.name)[RECORDED_URL];
  // The embedded server's URL is recorded too, for the app: it is not a server attachment.
  const state = readEmbeddedState(join(env.stateDir, env.name, 'cache'));
  if (recorded && !(state && parseRedisUrl(recorded, 'REDIS_URL').port === state.port)) {
    return { url: recorded, source: `.launchdb/secrets/${env.name}.env` };
  }
  return undefined;
}

/** The config's `cache.url` or `cache.adminUrl`, checked, with where it came from. */
export function configuredCacheUrl(env: Environment, key: 'url' | 'adminUrl') {
  const value = env.config.cache?.[key];
  const path = `environments.${env.name}.cache.${key}`;
  const url = resolveValue(env, value, path);
  if (url === undefined) return undefined;
  const source = isEnvRef(value) ? `${path}, $${value.name}` : path;
  parseRedisUrl(url, source);
  return { url, source };
}

/** The admin URL for provisioning: `--admin-url`, the config's `adminUrl`, then `$REDIS_ADMIN_URL`. */
export function resolveCacheAdminUrl(env: Environment, flag?: string, flagName = '--admin-url') {
  if (flag) return { url: flag, source: flagName };
  const configured = configuredCacheUrl(env, 'adminUrl');
  if (configured) return configured;
  const variable = env.vars.REDIS_ADMIN_URL;
  if (variable) return { url: variable, source: '$REDIS_ADMIN_URL' };
  return undefined;
}

/** The ACL user's name for an environment: `<project>_<env>`. */
export function aclUserOf(project: string, environment: string): string {
  return `${project}_${environment}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function connectTimeoutOf(env: Environment, flag?: number): number {
  return flag ?? env.config.cache?.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
}

export function embeddedUrl(port: number, password: string): string {
  return `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}/0`;
}

/** `redis[s]://[user[:password]@]host[:port][/db]`; anything else is bad input naming `source`, never echoing the URL. */
export function parseRedisUrl(url: string, source: string): RedisAddress {
  checkUrl(url, source, {
    schemes: ['redis', 'rediss'],
    example: 'redis://user:password@host:6379/0',
    what: 'the cache is Redis',
  });
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new UsageError(`${source} names database "${db}"; Redis databases are numbers`, {
      fix: 'end the URL with /0 (or another database number), or leave the path out',
    });
  }
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    db: Number(db || 0),
    tls: parsed.protocol === 'rediss:',
    user: decodeURIComponent(parsed.username) || 'default',
  };
}

export function describeAddress(address: Pick<RedisAddress, 'host' | 'port' | 'db'>): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${host}:${address.port}/${address.db}`;
}
