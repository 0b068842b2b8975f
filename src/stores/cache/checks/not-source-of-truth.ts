// cache.not-source-of-truth: a cache's keys expire, or the app may be keeping there data it cannot
// rebuild. The share of keys without a TTL comes from INFO keyspace (keys and expires per database;
// no SCAN, so it is the database's share, not only the environment's prefix), judged by `cache.holds`.
import type { Check } from '../../../core/checks/check.js';
import { keyspaceOf } from '../info.js';
import type { CacheCheckContext } from './context.js';

/** Above this share of keys without a TTL, a cache is taken for a source of truth. */
export const NO_TTL_LIMIT = 0.5;

export const notSourceOfTruth: Check<CacheCheckContext> = {
  id: 'cache.not-source-of-truth',
  area: 'cache',
  title: 'The cache is not the only copy of its data',
  severity: 'fail',
  async run(ctx) {
    const holds = ctx.cache.target.holds;
    if (holds === 'queues' || holds === 'durable') {
      return {
        status: 'pass',
        summary: `the config says it holds ${holds}: it is a source of truth by design (cache.persistence-assumption judges that)`,
      };
    }
    const db = ctx.cache.address.db;
    const counts = keyspaceOf(await ctx.cache.info('keyspace'), db);
    // launchdb's own marker never expires: it is not the app's data.
    const keys = Math.max(0, counts.keys - 1);
    const withoutTtl = Math.max(0, keys - counts.expires);
    const share = keys === 0 ? 0 : withoutTtl / keys;
    const percent = `${Math.round(share * 100)}%`;
    const details = {
      db,
      keys,
      withTtl: counts.expires,
      withoutTtl,
      share: Number(share.toFixed(4)),
      limit: NO_TTL_LIMIT,
    };
    if (keys === 0) return { status: 'pass', summary: `db ${db} holds no keys yet`, details };
    const said = `${withoutTtl.toLocaleString('en-US')} of ${keys.toLocaleString('en-US')} keys in db ${db} (${percent}) have no TTL`;
    const fix = `give cached keys a TTL (SET … EX), or if this is data the app cannot rebuild, say so: cache.holds 'durable'`;
    if (share > NO_TTL_LIMIT)
      return {
        status: 'fail',
        summary: `${said}: the app may be keeping data here that exists nowhere else`,
        details,
        fix,
      };
    if (holds === 'sessions' && withoutTtl > 0) {
      return {
        status: 'warn',
        summary: `${said}: sessions without a TTL never expire, and volatile-* eviction never drops them`,
        details,
        fix,
      };
    }
    return { status: 'pass', summary: `${said}`, details };
  },
};
