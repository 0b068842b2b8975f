// `launchdb access request`: asks for personal access to an environment; an approver who is not the
// one asking approves it (`access approve ID`), and the access time starts then.
import { requestTtlMs } from '../../core/config/access-durations.js';
import { describeDuration } from '../../core/duration.js';
import type { ExitCode } from '../../core/errors.js';
import { describeActor } from '../../stores/postgres/access/grants/actor-person.js';
import { requestAccess } from '../../stores/postgres/access/grants/request-access.js';
import { whoIsActing } from '../../stores/postgres/audit/actor.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { accessAskOf, accessServer, requestIdOf } from '../access-context.js';
import { stringFlag } from '../args.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

const USAGE =
  'launchdb access request --env production --person ada --level read --for 2h --reason "INC-42: check refunds"';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { project, env, connectTimeoutMs } = context;
  const ask = accessAskOf(context, input, USAGE);
  const extend = requestIdOf(stringFlag(input, 'extend'), '--extend');
  accessServer(env, 'request');
  const actor = whoIsActing(project.root, env.vars);
  const { db } = await openMigrationDatabase(env, {
    command: 'access request',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  try {
    const request = await requestAccess(db, project.config.access, {
      environment: env.name,
      ask,
      actor,
      ...(extend === undefined ? {} : { extend }),
    });
    noteAuditDetails(input, { request: request.id, person: request.person, level: request.level });
    if (input.flags.json) {
      io.out(`${JSON.stringify({ environment: env.name, ...request }, null, 2)}\n`);
      return 0;
    }
    const approvers = (project.config.access?.approvers ?? []).filter(
      (approver) => approver !== request.requestedByPerson && approver !== request.person,
    );
    io.out(
      `${io.style('green', 'requested')} ${request.level} access for ${request.person} to environment ${env.name} for ${describeDuration(request.durationMs)}: request ${request.id}${request.extends === null ? '' : `, extending request ${request.extends}`}\n` +
        `  asked by ${describeActor(actor)}; it lapses unapproved at ${request.expiresAt} (access.requestTtl ${describeDuration(requestTtlMs(project.config.access))})\n` +
        (approvers.length > 0
          ? `  an approver (${approvers.join(', ')}) runs \`launchdb access approve ${request.id} --env ${env.name}\`; the ${describeDuration(request.durationMs)} start then\n`
          : `  no approver other than the one asking or the person it is for can approve it: name one under access.approvers\n`),
    );
    return 0;
  } finally {
    await db.close();
  }
}
