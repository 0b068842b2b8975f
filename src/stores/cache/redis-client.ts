// One way to open a node-redis client: bounded connect time, no endless reconnect loop, and its
// failures read as UnreachableError naming host:port and why, never the password.
import { createClient } from 'redis';
import { UnreachableError } from '../../core/errors.js';
import { describeAddress, parseRedisUrl, type RedisAddress } from './target.js';

export type RedisClient = ReturnType<typeof createClient>;

/** A connected client; rejects with UnreachableError saying why not. */
export async function connectRedis(url: string, connectTimeoutMs: number): Promise<RedisClient> {
  const address = parseRedisUrl(url, 'the Redis URL');
  const client = createClient({
    url,
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: false },
  });
  // Errors come back from connect() and each command; without a listener node-redis would throw them.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    closeRedis(client);
    throw explainRedisError(error, address);
  }
}

/** Closes without waiting for replies: safe on a client that never connected. */
export function closeRedis(client: RedisClient): void {
  try {
    client.destroy();
  } catch {
    // Already closed.
  }
}

/** What went wrong reaching Redis, in one line naming host:port/db and the user, never a password. */
export function explainRedisError(error: unknown, address: RedisAddress): UnreachableError {
  if (error instanceof UnreachableError) return error;
  const where = describeAddress(address);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (/^WRONGPASS/.test(message)) {
    return new UnreachableError(`Redis at ${where} refused the credentials of user "${address.user}"`, {
      fix: 'check the user and password in the URL (REDIS_URL, --url, the config)',
    });
  }
  if (/^NOAUTH/.test(message)) {
    return new UnreachableError(`Redis at ${where} requires a password and the URL gives none`, {
      fix: 'give the password in the URL: redis://user:password@host:port',
    });
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : /timeout/i.test(message) || code === 'ETIMEDOUT'
          ? 'connection timed out'
          : message.split('\n')[0];
  return new UnreachableError(`cannot reach Redis at ${where}: ${reason}`, {
    fix: 'check that Redis is running, the host and port, and the network (firewall, TLS: rediss://)',
  });
}
