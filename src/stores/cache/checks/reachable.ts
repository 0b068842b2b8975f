// cache.reachable: the environment's Redis answers to its URL's credentials; else the failure names
// host:port and why (never the password), and the CLI exits 3.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { CacheCheckContext } from './context.js';

export const reachable: Check<CacheCheckContext> = {
  id: 'cache.reachable',
  area: 'cache',
  title: 'The cache answers',
  severity: 'fail',
  async run(ctx) {
    const started = performance.now();
    try {
      await ctx.cache.connect();
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: error.message,
        details: { location: ctx.cache.location, backing: ctx.cache.target.backing },
        fix: error.fix ?? 'check that Redis is running, the URL and the network',
      };
    }
    const server = await ctx.cache.info('server');
    const ms = Math.round(performance.now() - started);
    return {
      status: 'pass',
      summary: `Redis ${server.redis_version ?? '?'} answers at ${ctx.cache.location} in ${ms} ms`,
      details: {
        location: ctx.cache.location,
        backing: ctx.cache.target.backing,
        version: server.redis_version,
        ms,
      },
    };
  },
};
