// `access request`: asks for personal access to an environment (a guarded one, where a grant is a
// request). Recorded in launchdb.access_requests through the owner's connection, so whoever asks
// needs no admin URL; it gives no access until an approver approves it, and lapses on its own after
// `access.requestTtl`. `--extend ID` asks for more time on access a request already gave.
import { requestTtlMs } from '../../../../core/config/access-durations.js';
import type { AccessConfig } from '../../../../core/config/types.js';
import { UsageError } from '../../../../core/errors.js';
import type { Actor } from '../../audit/audit-event.js';
import type { PostgresDatabase } from '../../database.js';
import type { AccessAsk } from './access-ask.js';
import { type AccessRequest, insertRequest, readRequest } from './access-requests.js';
import { personOfActor } from './actor-person.js';

export interface RequestInput {
  environment: string;
  ask: AccessAsk;
  actor: Actor;
  /** The earlier, approved request this one asks more time for. */
  extend?: number;
}

export async function requestAccess(
  db: PostgresDatabase,
  access: AccessConfig | undefined,
  input: RequestInput,
): Promise<AccessRequest> {
  const { ask, actor, environment } = input;
  return db.transaction(async (tx) => {
    if (input.extend !== undefined) {
      const earlier = await readRequest(tx, input.extend);
      const problem = !earlier
        ? `there is no access request ${input.extend} in environment ${environment}`
        : earlier.person !== ask.person
          ? `request ${input.extend} is ${earlier.person}'s, not ${ask.person}'s`
          : earlier.state !== 'approved' || earlier.endedAt
            ? `request ${input.extend} is ${earlier.state === 'approved' ? 'over' : earlier.state}: there is no access of it to extend`
            : undefined;
      if (problem) {
        throw new UsageError(`--extend ${input.extend}: ${problem}; nothing was changed`, {
          fix: `list the requests with \`launchdb access requests --env ${environment}\`, or ask anew without --extend`,
        });
      }
    }
    return insertRequest(tx, {
      person: ask.person,
      level: ask.level,
      durationMs: ask.durationMs,
      reason: ask.reason,
      requestedBy: actor.id,
      requestedByPerson: personOfActor(access, actor),
      ttlMs: requestTtlMs(access),
      ...(input.extend === undefined ? {} : { extends: input.extend }),
    });
  });
}
