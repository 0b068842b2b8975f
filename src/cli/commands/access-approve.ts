// `launchdb access approve ID`: an approver who did not ask says yes; the person's access begins now
// and lasts what was asked for. The new password goes to the person's 0600 file, or is printed once.
import { describeDuration } from '../../core/duration.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { personOfActor } from '../../stores/postgres/access/grants/actor-person.js';
import {
  approveRequest,
  checkApprovable,
  requireApprover,
} from '../../stores/postgres/access/grants/approve-request.js';
import { whoIsActing } from '../../stores/postgres/audit/actor.js';
import { accessServer, grantSettingOf, openAdminFor, requestIdOf, showGrant } from '../access-context.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { project, env } = context;
  const id = requestIdOf(input.positionals[0], 'request');
  if (id === undefined) {
    throw new UsageError('which request? give its id', {
      fix: `launchdb access approve ID --env ${env.name}; \`launchdb access requests --env ${env.name}\` lists them`,
    });
  }
  const target = accessServer(env, 'approve');
  const actor = whoIsActing(project.root, env.vars);
  const approver = requireApprover(project.config, actor, personOfActor(project.config.access, actor));
  const admin = await openAdminFor(context, target, 'approve');
  try {
    // Refusals first, in one line each: the approver is asked to confirm only what can be approved.
    const asked = await checkApprovable(admin.db, project.config, env.name, id, approver);
    await confirmChange(
      env,
      input,
      io,
      `postgres: ${asked.level} access for ${asked.person} (request ${id}) at ${admin.location}`,
    );
    const { request, grant } = await approveRequest(
      grantSettingOf(context, admin, target, input),
      project.config,
      id,
      approver,
    );
    noteAuditDetails(input, {
      request: id,
      requestedBy: request.requestedBy,
      role: grant.role,
      person: grant.person,
      level: grant.level,
      expires: grant.expires,
      reason: request.reason,
      pgaudit: grant.audit.log ?? (grant.audit.loaded ? 'not set' : 'not loaded'),
    });
    if (!input.flags.json) {
      io.out(
        `request ${id}: ${request.person} asked by ${request.requestedBy} at ${request.requestedAt} for ${describeDuration(request.durationMs)}: "${request.reason}"\n`,
      );
    }
    showGrant(grant, io, env, {
      json: input.flags.json === true,
      database: target.database,
      durationMs: request.durationMs,
      heading: io.style('green', `approved by ${approver.person}:`),
      extra: { reason: request.reason, approvedBy: approver.person, requestedBy: request.requestedBy },
    });
    return 0;
  } finally {
    await admin.db.close();
  }
}
