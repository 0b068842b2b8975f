// `access approve ID`: an approver says yes to a pending request, and the person's access begins —
// its time counted from the approval, not from the asking. Refused, with nothing changed, for a
// request that is unknown, lapsed, already approved or ended; for an approver who asked for it or
// is the person it is for (nobody approves their own access); and when the person or the length
// no longer fits the config.
import { maxGrantMs } from '../../../../core/config/access-durations.js';
import type { LaunchdbConfig } from '../../../../core/config/types.js';
import { describeDuration } from '../../../../core/duration.js';
import { UsageError } from '../../../../core/errors.js';
import type { Actor } from '../../audit/audit-event.js';
import type { Queryable } from '../../database.js';
import { requireDeclaredPerson } from './access-ask.js';
import { type AccessRequest, markApproved, readRequest } from './access-requests.js';
import { inAccessTransaction } from './access-transaction.js';
import { describeActor } from './actor-person.js';
import { type GrantSetting, grantWithin, type PersonalGrant, withDelivery } from './grant-personal-access.js';

export interface Approver {
  actor: Actor;
  /** The declared person the actor is: one of access.approvers. */
  person: string;
}

export interface Approval {
  /** The request as it was when approved (pending). */
  request: AccessRequest;
  grant: PersonalGrant;
}

/**
 * The approver of a guarded environment: the actor must be a declared person listed in
 * access.approvers. Checked before anything connects.
 */
export function requireApprover(config: LaunchdbConfig, actor: Actor, person: string | undefined): Approver {
  const approvers = config.access?.approvers ?? [];
  if (person && approvers.includes(person)) return { actor, person };
  const who = person ? `${person}, acting as ${describeActor(actor)},` : `${describeActor(actor)}`;
  throw new UsageError(
    `${who} is not an approver (access.approvers: ${approvers.length > 0 ? approvers.join(', ') : 'none'}); nothing was changed`,
    {
      fix:
        approvers.length > 0
          ? `ask ${approvers.join(' or ')} to approve it; an approver is recognised by LAUNCHDB_ACTOR or git user.email matching their access.people email`
          : 'name the people who may approve under access.approvers in the config',
    },
  );
}

/**
 * Refuses, with nothing changed, what cannot be approved: read without a lock before the approver
 * is asked to confirm, so a refusal is one line; checked again under the lock by approveRequest.
 */
export async function checkApprovable(
  db: Queryable,
  config: LaunchdbConfig,
  environment: string,
  id: number,
  approver: Approver,
): Promise<AccessRequest> {
  return refuseUnapprovable(await readRequest(db, id), config, environment, id, approver);
}

export async function approveRequest(
  setting: GrantSetting,
  config: LaunchdbConfig,
  id: number,
  approver: Approver,
): Promise<Approval> {
  const environment = setting.env.name;
  return withDelivery((delivery) =>
    inAccessTransaction(setting.admin.db, async (tx) => {
      const request = refuseUnapprovable(
        await readRequest(tx, id, { forUpdate: true }),
        config,
        environment,
        id,
        approver,
      );
      const grant = await grantWithin(
        tx,
        setting,
        { person: request.person, level: request.level, durationMs: request.durationMs, request: id },
        delivery,
      );
      await markApproved(tx, id, {
        by: approver.actor.id,
        byPerson: approver.person,
        grantExpiresAt: new Date(grant.expires),
      });
      return { request, grant };
    }),
  );
}

function refuseUnapprovable(
  request: AccessRequest | undefined,
  config: LaunchdbConfig,
  environment: string,
  id: number,
  approver: Approver,
): AccessRequest {
  if (!request) {
    throw new UsageError(
      `there is no access request ${id} in environment ${environment}; nothing was changed`,
      {
        fix: `list them with \`launchdb access requests --env ${environment}\``,
      },
    );
  }
  refuseUnlessPending(request, environment);
  if (
    approver.person === request.requestedByPerson ||
    approver.actor.id.toLowerCase() === request.requestedBy.toLowerCase() ||
    approver.person === request.person
  ) {
    const whose = approver.person === request.person ? 'access for themselves' : 'their own request';
    throw new UsageError(
      `${approver.person} cannot approve ${whose} (request ${id}, asked by ${request.requestedBy}); nothing was changed`,
      { fix: `another approver runs \`launchdb access approve ${id} --env ${environment}\`` },
    );
  }
  requireDeclaredPerson(config, request.person);
  const max = maxGrantMs(config.access);
  if (request.durationMs > max) {
    throw new UsageError(
      `request ${id} asks for ${describeDuration(request.durationMs)}, longer than access.maxGrant (${describeDuration(max)}) now; nothing was changed`,
      { fix: `${request.person} asks again for ${describeDuration(max)} or less` },
    );
  }
  return request;
}

function refuseUnlessPending(request: AccessRequest, environment: string): void {
  const again = `${request.person} asks again: \`launchdb access request --env ${environment} --person ${request.person} --level ${request.level} --for ${describeDuration(request.durationMs)} --reason …\``;
  const said: Partial<Record<AccessRequest['state'], [string, string]>> = {
    expired: [
      request.approvedAt
        ? `was approved, and its access ended at ${request.endedAt ?? request.grantExpiresAt}`
        : `expired unapproved at ${request.expiresAt}`,
      again,
    ],
    approved: [
      `was already approved by ${request.approvedBy} at ${request.approvedAt}`,
      `to give more time, ${request.person} asks with \`launchdb access request --extend ${request.id} …\``,
    ],
    denied: ['was denied', again],
    revoked: [`was approved, and its access revoked at ${request.endedAt}`, again],
  };
  const refusal = said[request.state];
  if (!refusal) return;
  throw new UsageError(`request ${request.id} ${refusal[0]}; nothing was changed`, { fix: refusal[1] });
}
