// `launchdb access grant`: a person's own login role in an unguarded environment's database, for a
// while, its rights a membership by level. A guarded environment's access is requested and approved
// instead (`access request`, `access approve`).
import { type ExitCode, UsageError } from '../../core/errors.js';
import { inAccessTransaction } from '../../stores/postgres/access/grants/access-transaction.js';
import { grantWithin, withDelivery } from '../../stores/postgres/access/grants/grant-personal-access.js';
import { accessAskOf, accessServer, grantSettingOf, openAdminFor, showGrant } from '../access-context.js';
import { stringFlag } from '../args.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

const USAGE =
  'launchdb access grant --env staging --person ada --level read --for 4h --reason "INC-42: check refunds"';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { env } = context;
  const ask = accessAskOf(context, input, USAGE);
  const target = accessServer(env, 'grant');
  if (env.guarded) {
    throw new UsageError(
      `environment ${env.name} is guarded: access to it is requested and approved, not granted; nothing was changed`,
      {
        fix: `launchdb access request --env ${env.name} --person ${ask.person} --level ${ask.level} --for ${stringFlag(input, 'for')} --reason "…", then an approver runs \`launchdb access approve ID --env ${env.name}\``,
      },
    );
  }
  const admin = await openAdminFor(context, target, 'grant');
  try {
    await confirmChange(env, input, io, `postgres: personal role of ${ask.person} at ${admin.location}`);
    const setting = grantSettingOf(context, admin, target, input);
    const grant = await withDelivery((delivery) =>
      inAccessTransaction(admin.db, (tx) => grantWithin(tx, setting, ask, delivery)),
    );
    noteAuditDetails(input, {
      role: grant.role,
      person: grant.person,
      level: grant.level,
      expires: grant.expires,
      created: grant.created,
      reason: ask.reason,
      pgaudit: grant.audit.log ?? (grant.audit.loaded ? 'not set' : 'not loaded'),
    });
    showGrant(grant, io, env, {
      json: input.flags.json === true,
      database: target.database,
      durationMs: ask.durationMs,
      heading: io.style('green', grant.created ? 'granted' : 'updated'),
      extra: { reason: ask.reason },
    });
    return 0;
  } finally {
    await admin.db.close();
  }
}
