// cache.persistence-assumption: data the config declares durable (`cache.durable`, or holds queues or
// durable) is on a Redis that keeps it across a restart. Read from INFO persistence: AOF on passes;
// snapshots only (CONFIG GET save when permitted, else a snapshot taken since start) lose the writes
// since the last one: warn; neither: fail. Data not declared durable passes whatever the setting.
import type { Check } from '../../../core/checks/check.js';
import type { CacheCheckContext } from './context.js';

export const persistenceAssumption: Check<CacheCheckContext> = {
  id: 'cache.persistence-assumption',
  area: 'cache',
  title: 'Data declared durable survives a restart',
  severity: 'fail',
  async run(ctx) {
    const persistence = await ctx.cache.info('persistence');
    const aof = persistence.aof_enabled === '1';
    const snapshots = await snapshotsConfigured(ctx, persistence);
    const details = { durable: ctx.cache.target.durable, holds: ctx.cache.target.holds, aof, snapshots };
    if (!ctx.cache.target.durable) {
      return {
        status: 'pass',
        summary: `the config does not declare the data durable (AOF ${aof ? 'on' : 'off'}, snapshots ${snapshots === 'unknown' ? 'unknown' : snapshots ? 'on' : 'off'})`,
        details,
      };
    }
    const fix =
      'turn on the append-only file (`appendonly yes`, or your provider’s persistence setting), or stop declaring the data durable';
    if (aof) {
      if (persistence.aof_last_write_status && persistence.aof_last_write_status !== 'ok') {
        return {
          status: 'fail',
          summary: `AOF is on but its last write failed (${persistence.aof_last_write_status})`,
          details,
          fix: 'read the Redis log: the disk may be full or read-only',
        };
      }
      return {
        status: 'pass',
        summary: 'the data is declared durable and the append-only file is on',
        details,
      };
    }
    if (snapshots === true) {
      return {
        status: 'warn',
        summary:
          'the data is declared durable but kept by snapshots only: a crash loses the writes since the last one',
        details,
        fix,
      };
    }
    if (snapshots === 'unknown') {
      return {
        status: 'warn',
        summary:
          'the data is declared durable, AOF is off, and no snapshot was taken since start (CONFIG not permitted to tell more)',
        details,
        fix,
      };
    }
    return {
      status: 'fail',
      summary: 'the data is declared durable but Redis keeps nothing on disk: a restart loses it all',
      details,
      fix,
    };
  },
};

/** RDB snapshots: from CONFIG GET save when permitted, else whether one was taken since start. */
async function snapshotsConfigured(
  ctx: CacheCheckContext,
  persistence: Record<string, string>,
): Promise<boolean | 'unknown'> {
  const client = await ctx.cache.client();
  try {
    const reply = (await client.sendCommand(['CONFIG', 'GET', 'save'])) as string[];
    return (reply[1] ?? '').trim() !== '';
  } catch {
    // Managed Redis blocks CONFIG: a snapshot since start says they are on.
    return Number(persistence.rdb_saves ?? 0) > 0 ? true : 'unknown';
  }
}
