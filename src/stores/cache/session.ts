// One environment's Redis for the length of a command: connected once, lazily (starting the embedded
// server when it was attached), its INFO sections read once, closed once.
import { StoreUnavailable } from '../../core/checks/check.js';
import { isLaunchdbError, UnreachableError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { ensureEmbeddedRedis } from './embedded.js';
import { readEmbeddedState } from './embedded-state.js';
import { parseInfo, type RedisInfo } from './info.js';
import { closeRedis, connectRedis, type RedisClient } from './redis-client.js';
import {
  type CacheTarget,
  connectTimeoutOf,
  describeAddress,
  parseRedisUrl,
  type RedisAddress,
} from './target.js';

export class CacheSession {
  private reached: Promise<RedisClient> | undefined;
  private readonly sections = new Map<string, Promise<RedisInfo>>();
  /** The URL connected to: the target's, or the embedded server's once started. */
  url: string | undefined;
  readonly connectTimeoutMs: number;

  constructor(
    readonly env: Environment,
    readonly target: CacheTarget,
    options: { connectTimeoutMs?: number | undefined } = {},
  ) {
    this.url = target.url;
    this.connectTimeoutMs = connectTimeoutOf(env, options.connectTimeoutMs);
  }

  /** `host:port/db` once known, else the embedded folder: never a password. */
  get location(): string {
    if (this.target.backing === 'server' || !this.url) return this.target.location;
    return `${this.target.location} (${describeAddress(parseRedisUrl(this.url, 'REDIS_URL'))})`;
  }

  /** The address connected to (the embedded server's port once started): never a password. */
  get address(): RedisAddress {
    return this.url ? parseRedisUrl(this.url, 'REDIS_URL') : this.target;
  }

  /** Connects (once); rejects with UnreachableError or UsageError saying why not. */
  connect(): Promise<RedisClient> {
    this.reached ??= this.open();
    return this.reached;
  }

  /** The client for a check; unreachable becomes StoreUnavailable, which the runner reports as skip. */
  async client(): Promise<RedisClient> {
    try {
      return await this.connect();
    } catch (error) {
      if (isLaunchdbError(error)) throw new StoreUnavailable(`cache at ${this.location}`, 'cache.reachable');
      throw error;
    }
  }

  /** One INFO section (`memory`, `keyspace`…) as fields, read once per command. */
  info(section: string): Promise<RedisInfo> {
    let read = this.sections.get(section);
    if (!read) {
      read = this.client().then(async (client) => parseInfo(await client.info(section)));
      this.sections.set(section, read);
    }
    return read;
  }

  async close(): Promise<void> {
    const reached = this.reached;
    if (!reached) return;
    await reached.then(closeRedis, () => {});
  }

  private async open(): Promise<RedisClient> {
    if (this.target.backing === 'embedded') {
      const attached = readEmbeddedState(this.target.folder) !== undefined;
      const { url } = await ensureEmbeddedRedis(this.target, {
        environment: this.env.name,
        path: this.env.vars.PATH ?? process.env.PATH,
        start: attached,
      });
      this.url = url;
    }
    if (!this.url) {
      throw new UnreachableError(
        `the cache at ${this.target.location} is not attached: no app URL is recorded`,
        {
          fix: `run \`launchdb attach cache --env ${this.env.name}\` to provision its ACL user`,
        },
      );
    }
    return connectRedis(this.url, this.connectTimeoutMs);
  }
}
