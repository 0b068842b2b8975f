// cache.auth: nobody reaches the Redis without a password. A second connection without credentials
// is tried (and ACL LIST read when the user may): an open Redis off loopback fails; on loopback it
// warns in development and fails in a guarded environment, where a local process is no excuse.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { closeRedis, connectRedis, type RedisClient } from '../redis-client.js';
import type { CacheCheckContext } from './context.js';

export const auth: Check<CacheCheckContext> = {
  id: 'cache.auth',
  area: 'cache',
  title: 'The cache requires a password',
  severity: 'fail',
  async run(ctx) {
    const client = await ctx.cache.client();
    const address = ctx.cache.address;
    const open = await answersWithoutPassword(ctx);
    const passwordless = await passwordlessUsers(client);
    const loopback = isLoopback(address.host);
    const details = {
      location: ctx.cache.location,
      unauthenticatedConnect: open,
      passwordlessUsers: passwordless ?? 'ACL LIST not permitted',
    };
    const fix =
      'set a password: `requirepass` for the default user, or `ACL SETUSER default off` and one user per app (launchdb attach cache --admin-url provisions one)';
    if (open === 'unknown' && passwordless === undefined) {
      return {
        status: 'skip',
        summary: 'neither an unauthenticated connection nor ACL LIST could tell',
        details,
      };
    }
    const openUsers = passwordless ?? [];
    if (open === true || openUsers.length > 0) {
      const what =
        open === true
          ? `Redis at ${ctx.cache.location} answers a connection without a password`
          : `ACL users ${openUsers.join(', ')} log in with any password (nopass)`;
      if (!loopback) return { status: 'fail', summary: `${what}, off loopback`, details, fix };
      return ctx.env.guarded
        ? { status: 'fail', summary: `${what} (loopback only, but ${ctx.env.name} is guarded)`, details, fix }
        : {
            status: 'warn',
            summary: `${what} (loopback only: any local process may read and write it)`,
            details,
            fix,
          };
    }
    return {
      status: 'pass',
      summary: `Redis at ${ctx.cache.location} refuses a connection without a password`,
      details,
    };
  },
};

/** true when PING answers without credentials, false when refused (NOAUTH), 'unknown' when it cannot be told. */
async function answersWithoutPassword(ctx: CacheCheckContext): Promise<boolean | 'unknown'> {
  const { host, port, db, tls } = ctx.cache.address;
  const url = `${tls ? 'rediss' : 'redis'}://${host.includes(':') ? `[${host}]` : host}:${port}/${db}`;
  try {
    const client = await connectRedis(url, ctx.cache.connectTimeoutMs);
    try {
      await client.ping();
      return true;
    } catch (error) {
      return /^NOAUTH|^WRONGPASS|^NOPERM/.test(String((error as Error).message)) ? false : 'unknown';
    } finally {
      closeRedis(client);
    }
  } catch (error) {
    if (isLaunchdbError(error) && /password|credentials/.test(error.message)) return false;
    return 'unknown';
  }
}

/** Enabled users with `nopass`, from ACL LIST; undefined when this user may not read it. */
async function passwordlessUsers(client: RedisClient) {
  try {
    const lines = (await client.sendCommand(['ACL', 'LIST'])) as string[];
    return lines
      .map((line) => line.split(' '))
      .filter((words) => words.includes('on') && words.includes('nopass'))
      .map((words) => words[1] as string);
  } catch {
    return undefined;
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
