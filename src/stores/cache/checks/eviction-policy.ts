// cache.eviction-policy: what Redis does when full suits what the config says it holds
// (`cache.holds`). A pure cache evicts any key (allkeys-lru/lfu); `noeviction` there makes writes
// fail when full. Sessions expire by TTL and are evicted only among keys with one (volatile-*) or
// never (noeviction). Queues and durable data are never evicted (noeviction). Read from INFO memory.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import type { CacheHolds } from '../../../core/config/cache-config.js';
import type { CacheCheckContext } from './context.js';

export const evictionPolicy: Check<CacheCheckContext> = {
  id: 'cache.eviction-policy',
  area: 'cache',
  title: 'The eviction policy suits what the cache holds',
  severity: 'fail',
  async run(ctx) {
    const memory = await ctx.cache.info('memory');
    const policy = memory.maxmemory_policy;
    if (!policy)
      return { status: 'skip', summary: 'INFO memory does not give maxmemory_policy (Redis older than 4?)' };
    const outcome = judge(ctx.cache.target.holds, policy);
    return { ...outcome, details: { policy, holds: ctx.cache.target.holds } };
  },
};

function judge(holds: CacheHolds, policy: string): CheckOutcome {
  const set = (wanted: string) => `set \`maxmemory-policy ${wanted}\` (or your provider's eviction setting)`;
  const declared = `it holds ${holds} (cache.holds)`;
  if (holds === 'cache') {
    if (policy === 'allkeys-lru' || policy === 'allkeys-lfu')
      return { status: 'pass', summary: `${policy}: ${declared}, any key may go` };
    if (policy === 'noeviction') {
      return {
        status: 'fail',
        summary: `noeviction on a pure cache: when it is full, every write fails`,
        fix: set('allkeys-lru'),
      };
    }
    if (policy.startsWith('volatile-')) {
      return {
        status: 'warn',
        summary: `${policy} evicts only keys with a TTL: keys without one fill the cache until writes fail`,
        fix: set('allkeys-lru'),
      };
    }
    return {
      status: 'warn',
      summary: `${policy}: ${declared}; allkeys-lru or allkeys-lfu keep the keys in use`,
      fix: set('allkeys-lru'),
    };
  }
  if (holds === 'sessions') {
    if (policy.startsWith('volatile-') || policy === 'noeviction')
      return { status: 'pass', summary: `${policy}: ${declared}, which expire by TTL` };
    return {
      status: 'fail',
      summary: `${policy} evicts any key: sessions are dropped before they expire (users logged out)`,
      fix: set('volatile-lru'),
    };
  }
  if (policy === 'noeviction') return { status: 'pass', summary: `noeviction: ${declared}, never dropped` };
  return {
    status: 'fail',
    summary: `${policy} drops keys when full, but ${declared}: data is lost`,
    fix: set('noeviction'),
  };
}
