// cache.memory: used memory against maxmemory, from INFO memory. No limit (maxmemory 0) means nothing
// is ever evicted: Redis grows until the machine runs out, so a cache or sessions warn. Near the
// limit (75%, 90%) warns then fails, except under an allkeys policy, where evicting is the plan.
import type { Check } from '../../../core/checks/check.js';
import type { CacheCheckContext } from './context.js';

export const WARN_SHARE = 0.75;
export const FAIL_SHARE = 0.9;

export const memory: Check<CacheCheckContext> = {
  id: 'cache.memory',
  area: 'cache',
  title: 'The cache has room',
  severity: 'fail',
  async run(ctx) {
    const info = await ctx.cache.info('memory');
    const stats = await ctx.cache.info('stats');
    const used = Number(info.used_memory ?? 0);
    const max = Number(info.maxmemory ?? 0);
    const policy = info.maxmemory_policy ?? '';
    const holds = ctx.cache.target.holds;
    const details = { usedBytes: used, maxBytes: max, policy, evictedKeys: Number(stats.evicted_keys ?? 0) };
    const usedText = info.used_memory_human ?? `${used} B`;
    if (max === 0) {
      const summary = `${usedText} used, no maxmemory: nothing is evicted, Redis grows until the machine runs out`;
      if (holds === 'cache' || holds === 'sessions') {
        return {
          status: 'warn',
          summary,
          details,
          fix: 'set `maxmemory` (eviction needs it), below the machine’s memory',
        };
      }
      return {
        status: 'pass',
        summary: `${usedText} used, no maxmemory (it holds ${holds}: watch the machine’s memory)`,
        details,
      };
    }
    const share = used / max;
    const said = `${usedText} of ${info.maxmemory_human ?? `${max} B`} used (${Math.round(share * 100)}%)`;
    if (policy.startsWith('allkeys-')) {
      return {
        status: 'pass',
        summary: `${said}; ${policy} evicts when full (${details.evictedKeys} keys evicted since start)`,
        details,
      };
    }
    const fix = 'raise maxmemory, or free keys; under noeviction or volatile-* writes fail when full';
    if (share >= FAIL_SHARE)
      return { status: 'fail', summary: `${said}: writes fail when full under ${policy}`, details, fix };
    if (share >= WARN_SHARE)
      return { status: 'warn', summary: `${said}, nearing full under ${policy}`, details, fix };
    return { status: 'pass', summary: said, details };
  },
};
