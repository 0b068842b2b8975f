// cache.isolation: the environment's keys are its own. Its prefix carries launchdb's marker naming
// this environment; no other environment of the project resolves to the same Redis database and
// prefix; and when another one shares the server, the app's user may not touch keys outside its
// prefix (an EXISTS on a key outside it is refused with NOPERM: nothing is read or written).
import type { Check } from '../../../core/checks/check.js';
import type { Environment } from '../../../core/project.js';
import { readCacheMarker } from '../marker.js';
import { type CacheTarget, resolveCacheTarget } from '../target.js';
import { isLoopback } from './auth.js';
import type { CacheCheckContext } from './context.js';

export const isolation: Check<CacheCheckContext> = {
  id: 'cache.isolation',
  area: 'cache',
  title: 'The environment’s keys are its own',
  severity: 'fail',
  async run(ctx) {
    const client = await ctx.cache.client();
    const prefix = ctx.cache.target.keyPrefix;
    const where = `${ctx.cache.location} keys ${prefix}*`;
    const attach = `run \`launchdb attach cache --env ${ctx.env.name}\``;
    const marker = await readCacheMarker(client, prefix);
    if (!marker)
      return { status: 'fail', summary: `${where} carry no launchdb marker: never attached`, fix: attach };
    if (marker.project !== ctx.project.name || marker.environment !== ctx.env.name) {
      return {
        status: 'fail',
        summary: `${where} are marked for environment "${marker.environment}" of project "${marker.project}", not ${ctx.env.name}`,
        details: { marker },
        fix: `give ${ctx.env.name} its own key prefix (cache.keyPrefix) or database, then ${attach}`,
      };
    }
    const here = ctx.cache.address;
    const samePrefix: string[] = [];
    const sameServer: string[] = [];
    for (const name of ctx.project.environmentNames()) {
      if (name === ctx.env.name) continue;
      const other = otherTarget(ctx.project.environment(name));
      if (!other || other.port === 0 || serverOf(other) !== serverOf(here)) continue;
      sameServer.push(`${name} (${other.location})`);
      if (
        other.db === here.db &&
        (other.keyPrefix.startsWith(prefix) || prefix.startsWith(other.keyPrefix))
      ) {
        samePrefix.push(`${name} (${other.location} keys ${other.keyPrefix}*)`);
      }
    }
    if (samePrefix.length > 0) {
      return {
        status: 'fail',
        summary: `${where} are shared with ${samePrefix.join(', ')}`,
        details: { marker, shared: samePrefix },
        fix: 'give each environment its own key prefix (cache.keyPrefix) or database, none inside another',
      };
    }
    const limited = await limitedToPrefix(ctx, prefix);
    const details = { marker, sameServer, keysLimitedToPrefix: limited };
    if (sameServer.length > 0 && limited === false) {
      return {
        status: 'fail',
        summary: `${ctx.cache.location} is also ${sameServer.join(', ')}'s, and user "${here.user}" may touch every key`,
        details,
        fix: `provision a user per environment limited to its prefix: \`launchdb attach cache --env ${ctx.env.name} --admin-url …\``,
      };
    }
    return {
      status: 'pass',
      summary: `${where} are marked for ${ctx.env.name}${limited ? `, and user "${here.user}" may touch no other key` : ', and no other environment uses this server'}`,
      details,
    };
  },
};

/** false when a key outside the prefix may be read, true when refused (NOPERM), 'unknown' otherwise. */
async function limitedToPrefix(ctx: CacheCheckContext, prefix: string): Promise<boolean | 'unknown'> {
  const client = await ctx.cache.client();
  const outside = `launchdb-isolation-probe:${prefix.startsWith('launchdb-isolation-probe') ? 'x' : ''}`;
  try {
    await client.exists(outside);
    return false;
  } catch (error) {
    return /^NOPERM/.test(String((error as Error).message)) ? true : 'unknown';
  }
}

/** Another environment's cache; one whose config reads an unset variable cannot be compared. */
function otherTarget(env: Environment): CacheTarget | undefined {
  try {
    return resolveCacheTarget(env);
  } catch {
    return undefined;
  }
}

function serverOf(address: { host: string; port: number }): string {
  return `${isLoopback(address.host) ? '127.0.0.1' : address.host.toLowerCase()}:${address.port}`;
}
