// provisioning.read-write: the article's "simple production read and write test", as the app.
import { randomUUID } from 'node:crypto';
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

/** SQLSTATEs that mean "the app may not do this", not "launchdb could not ask". */
const REFUSALS: Record<string, string> = {
  '42501': 'permission denied',
  '25006': 'the database is read-only',
};

/** The round trip ran but did not see its own row: a real failure, not a failure to evaluate. */
class CanaryMismatch extends Error {}

export const readWrite: Check<PostgresCheckContext> = {
  id: 'provisioning.read-write',
  area: 'provisioning',
  title: 'The app can write a row, read it back and delete it',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const env = ctx.env.name;
    // Looked up in the catalog rather than by name, so a role without rights on schema launchdb
    // still learns whether the table exists.
    const { rows: found } = await db.query<{ exists: boolean }>(
      `select exists (
         select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'launchdb' and c.relname = 'canary'
       ) as exists`,
    );
    if (!found[0]?.exists) {
      return {
        status: 'fail',
        summary: `launchdb.canary does not exist at ${ctx.postgres.location}: the environment was never attached`,
        fix: `launchdb attach postgres --env ${env}`,
      };
    }
    const token = `launchdb-check-${randomUUID()}`;
    const started = performance.now();
    let step = 'insert';
    try {
      // One transaction: if any step is refused (say the app may insert but not delete), the
      // rollback takes the row with it, so the check never leaves a canary behind.
      await db.transaction(async (tx) => {
        await tx.query('insert into launchdb.canary (token) values ($1)', [token]);
        step = 'select';
        const read = await tx.query<{ token: string }>('select token from launchdb.canary where token = $1', [
          token,
        ]);
        if (read.rows[0]?.token !== token) throw new CanaryMismatch('the row written was not read back');
        step = 'delete';
        const deleted = await tx.query<{ id: string }>(
          'delete from launchdb.canary where token = $1 returning id',
          [token],
        );
        if (deleted.rows.length !== 1) throw new CanaryMismatch('the row written was not deleted');
      });
    } catch (error) {
      if (error instanceof CanaryMismatch) {
        return {
          status: 'fail',
          summary: `read-write test at ${ctx.postgres.location}: ${error.message}`,
          details: { step },
          fix: 'look for triggers, rules or row-level security policies on launchdb.canary',
        };
      }
      const code = (error as { code?: string }).code;
      const refusal = code ? REFUSALS[code] : undefined;
      if (!refusal) throw error;
      return {
        status: 'fail',
        summary: `the app cannot ${step} on launchdb.canary: ${(error as Error).message}`,
        details: { step, sqlstate: code, reason: refusal },
        fix:
          code === '25006'
            ? 'point the app at the primary, not a read replica, and check default_transaction_read_only'
            : `grant the app role select, insert and delete on launchdb.canary: re-run \`launchdb attach postgres --env ${env}\``,
      };
    }
    const roundTripMs = Math.round(performance.now() - started);
    return {
      status: 'pass',
      summary: `wrote, read back and deleted a row in launchdb.canary in ${roundTripMs} ms`,
      details: { roundTripMs },
    };
  },
};
