// What a database gets from its environment rather than from its migrations: role names and attach's grants.
//
// Drift compares what the migrations make with what production has. Two things differ between them
// without anyone having changed the schema by hand:
// - role names: the migrations ran as production's owner role, the replay as the shadow's user; and
//   `launchdb attach` names its roles after the database (`shop_production_app`). Both snapshots
//   rename them to what they are: `owner`, `app`, `readonly`; a migration granting to them by
//   placeholder (`${launchdb:app_role}`) grants to the same roles in the replay (see `shadowRoles`).
// - what `attach` grants (see provision/grants.ts): USAGE on schema public to the app and read-only
//   roles, and default privileges by which every table and sequence the owner creates in public is
//   granted to them. The replay has none of it, so it is added to the expected snapshot, exactly;
//   any other privilege, or one of these missing, is drift.
import type { PlaceholderRoles } from '../migrate/placeholders.js';
import { roleNamesOf } from '../provision/roles.js';
import type { CatalogSnapshot, DefaultPrivilegeEntry, GrantEntry } from './snapshot-types.js';

/** The role renaming for the live database. */
export function liveRoles(database: string, migrationUser: string, existing: readonly string[]) {
  const roles: Record<string, string> = { [migrationUser]: 'owner' };
  const names = provisionedNames(database);
  const present = new Set(existing);
  const provisioned = names !== undefined && present.has(names.app) && present.has(names.owner);
  if (provisioned) {
    roles[names.owner] = 'owner';
    roles[names.app] = 'app';
    roles[names.readonly] = 'readonly';
  }
  return { roles, provisioned };
}

/**
 * The roles a migration's placeholders name in the shadow: the shadow's user for the owner's (it
 * owns what the replay creates, as the owner does live), the environment's own for the others
 * (roles are the server's, so a shadow there has them; an embedded shadow is given them).
 */
export function shadowRoles(live: PlaceholderRoles, shadowUser: string): PlaceholderRoles {
  const owner = live.roles.owner_role;
  const roles = Object.fromEntries(
    Object.entries(live.roles).map(([name, role]) => [name, role === owner ? shadowUser : role]),
  );
  return { ...live, roles };
}

function provisionedNames(database: string) {
  try {
    return roleNamesOf(database);
  } catch {
    return undefined; // A name too long to have been provisioned.
  }
}

const TABLE_DML = ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
const ATTACH_DEFAULTS: Omit<DefaultPrivilegeEntry, 'revoked'>[] = [
  { role: 'owner', schema: 'public', on: 'tables', grantee: 'app', granted: TABLE_DML },
  { role: 'owner', schema: 'public', on: 'sequences', grantee: 'app', granted: ['SELECT', 'USAGE'] },
  { role: 'owner', schema: 'public', on: 'tables', grantee: 'readonly', granted: ['SELECT'] },
];

/** The expected snapshot as it would be on a database `launchdb attach` provisioned. */
export function withAttachGrants(snapshot: CatalogSnapshot): CatalogSnapshot {
  const grants = structuredClone(snapshot.grants);
  const defaultPrivileges = structuredClone(snapshot.defaultPrivileges);
  const grant = (object: string, grantee: string, privileges: string[]) => {
    const key = `${object} to ${grantee}`;
    const entry: GrantEntry = grants[key] ?? { object, grantee, granted: [], revoked: [] };
    entry.granted = [...new Set([...entry.granted, ...privileges])].sort();
    grants[key] = entry;
  };
  if ('public' in snapshot.schemas) {
    grant('schema public', 'app', ['USAGE']);
    grant('schema public', 'readonly', ['USAGE']);
    // attach revokes CREATE on public from PUBLIC (a default before Postgres 15).
    const everyone = grants['schema public to PUBLIC'];
    if (everyone) everyone.granted = everyone.granted.filter((privilege) => privilege !== 'CREATE');
  }
  for (const [key, table] of Object.entries(snapshot.tables)) {
    if (!inPublic(key)) continue;
    const object = `${table.kind === 'foreign table' ? 'foreign table' : 'table'} ${key}`;
    grant(object, 'app', TABLE_DML);
    grant(object, 'readonly', ['SELECT']);
  }
  for (const [key, view] of Object.entries(snapshot.views)) {
    if (!inPublic(key)) continue;
    const object = `${view.materialized ? 'materialized view' : 'view'} ${key}`;
    grant(object, 'app', TABLE_DML);
    grant(object, 'readonly', ['SELECT']);
  }
  for (const key of Object.keys(snapshot.sequences)) {
    if (inPublic(key)) grant(`sequence ${key}`, 'app', ['SELECT', 'USAGE']);
  }
  for (const entry of ATTACH_DEFAULTS) {
    const key = `for role ${entry.role} in schema ${entry.schema} on ${entry.on} to ${entry.grantee}`;
    const existing = defaultPrivileges[key];
    const granted = [...new Set([...(existing?.granted ?? []), ...entry.granted])].sort();
    defaultPrivileges[key] = { ...entry, granted, revoked: existing?.revoked ?? [] };
  }
  return { ...snapshot, grants: sortKeys(grants), defaultPrivileges: sortKeys(defaultPrivileges) };
}

function inPublic(key: string): boolean {
  return key.startsWith('public.');
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
