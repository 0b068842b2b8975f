// The cache as a store kind: an embedded private redis-server under `.launchdb/<env>/cache`, or a
// Redis by URL (provisioned an ACL user with an admin URL); its attach, `env list` row, session, checks.
import { UsageError } from '../../core/errors.js';
import type { StoreKind } from '../store-kind.js';
import { attachCache, type CacheAttachPlan, planAttachCache } from './attach.js';
import type { CacheCheckContext } from './checks/context.js';
import { cacheChecks } from './checks/index.js';
import { listCache } from './list.js';
import { CacheSession } from './session.js';
import { resolveCacheTarget } from './target.js';

export const cacheStore: StoreKind<CacheCheckContext, CacheSession, CacheAttachPlan> = {
  name: 'cache',
  declared: (env) => env.config.cache !== undefined,
  planAttach: planAttachCache,
  attach: attachCache,
  list: listCache,
  openSession(env, options) {
    const target = resolveCacheTarget(env);
    if (!target) throw new UsageError(`environment ${env.name} declares no cache`);
    return new CacheSession(env, target, { connectTimeoutMs: options.connectTimeoutMs });
  },
  checks: cacheChecks,
  reachableCheck: 'cache.reachable',
};
