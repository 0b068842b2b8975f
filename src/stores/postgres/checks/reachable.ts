// provisioning.reachable: the environment's database answers, or the failure names where and why.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { PostgresDatabase } from '../database.js';
import type { PostgresCheckContext } from './context.js';

export const reachable: Check<PostgresCheckContext> = {
  id: 'provisioning.reachable',
  area: 'provisioning',
  title: 'The database answers',
  severity: 'fail',
  async run(ctx) {
    const started = performance.now();
    // The only check that connects itself: the others go through db(), which turns an unreachable
    // store into a skip because this check already reports it.
    let db: PostgresDatabase;
    try {
      db = await ctx.postgres.connect();
    } catch (error) {
      // UnreachableError (and a busy embedded database) already name host, port and reason,
      // never the password; anything else is unexpected and becomes `error` in the runner.
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: error.message,
        details: { location: ctx.postgres.location, backing: ctx.postgres.target.backing },
        fix: error.fix ?? 'check the host, port, credentials and network',
      };
    }
    await db.query('select 1');
    const ms = Math.round(performance.now() - started);
    return {
      status: 'pass',
      summary: `answers at ${db.location} in ${ms} ms`,
      details: { location: db.location, backing: db.backing, ms },
    };
  },
};
