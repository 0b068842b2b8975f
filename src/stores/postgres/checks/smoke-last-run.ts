// smoke.last-run: a smoke run passed since the last `migrate up`: the app, its credentials, the
// schema and the runtime were proven to agree on what is deployed now, not on what was before.
import type { Check } from '../../../core/checks/check.js';
import { findSmokeSpec } from '../../../smoke/load-spec.js';
import { lastMigrationAppliedAt, lastSmokeRun } from '../smoke/smoke-runs.js';
import { age } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const smokeLastRun: Check<PostgresCheckContext> = {
  id: 'smoke.last-run',
  area: 'smoke',
  title: 'a smoke run passed since the last migrate up',
  severity: 'fail',
  async run(ctx) {
    const spec = findSmokeSpec(ctx.env.root);
    if (!spec)
      return {
        status: 'skip',
        summary:
          "no smoke spec (launchdb.smoke.ts or launchdb.smoke.yaml): the app's data flow is not tested",
        fix: 'write one: docs/SMOKE.md; then run `launchdb smoke` after each deploy',
      };
    const db = await ctx.postgres.db();
    const [passed, newest, migrated] = await Promise.all([
      lastSmokeRun(db, { status: 'passed' }),
      lastSmokeRun(db),
      lastMigrationAppliedAt(db),
    ]);
    const fix = `run \`launchdb smoke --env ${ctx.env.name}\` after each \`migrate up\` (a deploy step)`;
    const problem = ctx.env.guarded ? 'fail' : 'warn';
    const details = {
      spec,
      lastPassed: passed ?? null,
      newest: newest ?? null,
      migratedAt: migrated ?? null,
    };
    if (!passed)
      return {
        status: problem,
        summary: newest
          ? `no smoke run has passed in ${ctx.env.name}; the newest (${newest.id}) ${newest.status}`
          : `no smoke run yet in ${ctx.env.name}`,
        details,
        fix,
      };
    const ranAgo = age(ctx.now.getTime() - passed.startedAt.getTime());
    if (migrated && passed.startedAt.getTime() < migrated.getTime())
      return {
        status: problem,
        summary: `the last passing smoke run (${passed.id}, ${ranAgo} ago) is older than the last migrate up (${age(ctx.now.getTime() - migrated.getTime())} ago): what is deployed now was not smoke-tested`,
        details,
        fix,
      };
    if (newest && newest.id !== passed.id && newest.status === 'failed')
      return {
        status: 'warn',
        summary: `the newest smoke run (${newest.id}) failed; ${passed.id} passed ${ranAgo} ago, after the last migrate up`,
        details,
        fix,
      };
    return {
      status: 'pass',
      summary: `smoke run ${passed.id} passed ${ranAgo} ago, after the last migrate up`,
      details,
    };
  },
};
