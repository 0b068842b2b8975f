// Which declared person is acting: the audit trail's actor (LAUNCHDB_ACTOR, else git user.email,
// else the OS user) matched to `access.people` by email or by id. A statement, not a proof: whoever
// holds the admin URL can name anyone; approvals stop mistakes and record who said yes.
import type { AccessConfig } from '../../../../core/config/types.js';
import type { Actor } from '../../audit/audit-event.js';

/** The id of the person `actor` names (their email, any case, or their id); undefined when none. */
export function personOfActor(access: AccessConfig | undefined, actor: Actor): string | undefined {
  const said = actor.id.trim().toLowerCase();
  const people = Object.entries(access?.people ?? {});
  return (
    people.find(([, person]) => person.email.toLowerCase() === said)?.[0] ??
    people.find(([id]) => id === said)?.[0]
  );
}

/** `ada@shop.dev (git user.email)`: the actor as a message names them. */
export function describeActor(actor: Actor): string {
  const sources: Record<string, string> = {
    launchdb: 'LAUNCHDB_ACTOR',
    git: 'git user.email',
    os: 'the OS user',
  };
  const source = sources[actor.source] ?? actor.source;
  return `${actor.id} (${source})`;
}
