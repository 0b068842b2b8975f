// Who is who: the person or service a login role belongs to, by the config's `access` section, the
// roles launchdb provisioned and logs in as, and what personal roles say about themselves.
import type { AccessConfig } from '../../../core/config/types.js';
import { parseConnectionUrl } from '../connection-url.js';
import { KINDS, type RoleKind, roleNamesOf } from '../provision/roles.js';
import type { ServerTarget } from '../target.js';
import { type CatalogRole, type PersonalAccess, personalAccessOf } from './personal-role.js';

export type RoleOwner =
  /** Services that log in as it (by its name, or by the kind of launchdb role it is). */
  | { kind: 'service'; services: string[]; roleKind?: RoleKind }
  /** A role launchdb provisioned or logs in as, which no service names. */
  | { kind: 'launchdb'; roleKind: RoleKind }
  /** A declared person's: a personal role launchdb grants, or one listed in their `roles`. */
  | { kind: 'person'; person: string }
  /** Nobody's the config knows; `reason` when there is more to say (a personal role of an undeclared person). */
  | { kind: 'unknown'; reason?: string };

/** What tells roles apart in one environment. */
export interface WhoIsWho {
  database: string;
  access: AccessConfig;
  /** The roles of each launchdb kind: the provisioned names and the users of the recorded URLs. */
  kindRoles: Record<RoleKind, Set<string>>;
}

export function whoIsWho(database: string, access: AccessConfig = {}, target?: ServerTarget): WhoIsWho {
  const kindRoles: Record<RoleKind, Set<string>> = { owner: new Set(), app: new Set(), readonly: new Set() };
  const provisioned = provisionedNames(database);
  if (provisioned) for (const kind of KINDS) kindRoles[kind].add(provisioned[kind]);
  if (target) {
    const urls: [RoleKind, string | undefined][] = [
      ['app', target.url],
      ['owner', target.migrationUrl === target.url ? undefined : target.migrationUrl],
      ['readonly', target.readonlyUrl],
    ];
    for (const [kind, url] of urls) {
      const user = url ? parseConnectionUrl(url).user : '';
      if (user) kindRoles[kind].add(user);
    }
  }
  return { database, access, kindRoles };
}

function provisionedNames(database: string) {
  try {
    return roleNamesOf(database);
  } catch {
    return undefined; // A name too long to have been provisioned.
  }
}

/** The role's personal access, and whose the role is. */
export function roleOwnerOf(
  role: CatalogRole,
  who: WhoIsWho,
): { owner: RoleOwner; personal?: PersonalAccess } {
  const people = who.access.people ?? {};
  const personal = personalAccessOf(who.database, role);
  if (personal) {
    const owner: RoleOwner = Object.hasOwn(people, personal.person)
      ? { kind: 'person', person: personal.person }
      : {
          kind: 'unknown',
          reason: `personal role of "${personal.person}", who is not in access.people`,
        };
    return { owner, personal };
  }
  const person = Object.entries(people).find(([, declared]) => declared.roles?.includes(role.name));
  if (person) return { owner: { kind: 'person', person: person[0] } };

  const roleKind = KINDS.find((kind) => who.kindRoles[kind].has(role.name));
  const services = Object.entries(who.access.services ?? {})
    .filter(
      ([, service]) => service.role === role.name || (roleKind !== undefined && service.role === roleKind),
    )
    .map(([name]) => name);
  if (services.length > 0) return { owner: { kind: 'service', services, ...(roleKind ? { roleKind } : {}) } };
  if (roleKind) return { owner: { kind: 'launchdb', roleKind } };
  return { owner: { kind: 'unknown' } };
}

/** `service web (app role)`, `person ada`, `launchdb's owner role`, `UNKNOWN`. */
export function describeOwner(owner: RoleOwner): string {
  switch (owner.kind) {
    case 'service': {
      const what = owner.services.length === 1 ? 'service' : 'services';
      return `${what} ${owner.services.join(', ')}${owner.roleKind ? ` (${owner.roleKind} role)` : ''}`;
    }
    case 'launchdb':
      return `launchdb's ${owner.roleKind} role`;
    case 'person':
      return `person ${owner.person}`;
    case 'unknown':
      return owner.reason ? `UNKNOWN (${owner.reason})` : 'UNKNOWN';
  }
}
