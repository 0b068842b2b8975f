// access.audit-chain: the environment's audit trail is intact and still holds every head that
// .launchdb/audit-heads, the environment's backups and a server control database witnessed (as
// `launchdb audit verify`). The check never opens an embedded control database, and gives a server
// one a short deadline: a control database it cannot read is a note in the details, not a failure.
import { readControlWitnesses } from '../../../control/control-witnesses.js';
import type { Check } from '../../../core/checks/check.js';
import { verifyEnvironmentTrail } from '../audit/verify-environment.js';
import type { PostgresCheckContext } from './context.js';

/** The whole read of a server control database's heads: connecting, the query, closing. */
const CONTROL_DEADLINE_MS = 2000;

export const auditChain: Check<PostgresCheckContext> = {
  id: 'access.audit-chain',
  area: 'access',
  title: 'the audit trail verifies against its witnessed heads',
  severity: 'fail',
  async run(ctx) {
    // Started first, so the control database's read overlaps the trail's.
    const control = readControlWitnesses(ctx.project, ctx.env, {
      command: 'check',
      openEmbedded: false,
      connectTimeoutMs: CONTROL_DEADLINE_MS,
      deadlineMs: CONTROL_DEADLINE_MS,
      onError: 'note',
      ...(ctx.control ? { shared: ctx.control } : {}),
    });
    const verdict = await verifyEnvironmentTrail(ctx.project, ctx.env, await ctx.postgres.db(), { control });
    const details = {
      events: verdict.events,
      head: verdict.head,
      firstBad: verdict.firstBad,
      problems: verdict.problems,
      witnessed: verdict.witnessed,
      sources: verdict.sources,
      notes: verdict.notes,
    };
    // Nothing recorded and nothing witnessed: there is no trail to prove, which is not a failure.
    if (!verdict.started && verdict.witnessed.checked === 0) {
      return { status: 'skip', summary: `no audit events yet in ${ctx.env.name}: nothing to verify` };
    }
    if (!verdict.ok) {
      const first = verdict.problems[0]!;
      return {
        status: 'fail',
        summary: `the audit trail is broken at event ${verdict.firstBad}: ${first.problem}`,
        details,
        fix: `run \`launchdb audit verify --env ${ctx.env.name}\` for every problem, and find out who changed the trail`,
      };
    }
    const { extended, replacedByRestore } = verdict.witnessed;
    const replaced = replacedByRestore > 0 ? ` (${replacedByRestore} more replaced by a restore)` : '';
    return {
      status: 'pass',
      summary: `${verdict.events} audit event${verdict.events === 1 ? '' : 's'} intact, extending ${extended} witnessed head${extended === 1 ? '' : 's'}${replaced}`,
      details,
    };
  },
};
