// A backup names its environment's roles (`shop_production_app`); restored into another environment
// those privileges belong to that environment's roles (`shop_staging_app`).
import type { RoleKind } from '../provision/roles.js';
import { roleNamesOf } from '../provision/roles.js';
import type { CatalogSnapshot } from '../schema/snapshot-types.js';

/** `{ shop_production_app: 'shop_staging_app', … }` between two environments' databases. */
export function environmentRoleMap(fromDatabase: string, toDatabase: string): Record<string, string> {
  try {
    const from = roleNamesOf(fromDatabase);
    const to = roleNamesOf(toDatabase);
    return Object.fromEntries((Object.keys(from) as RoleKind[]).map((kind) => [from[kind], to[kind]]));
  } catch {
    return {}; // A name too long to have been provisioned.
  }
}

/** The snapshot with every role it names renamed by `map` (grantees, policy roles, default privileges, owners). */
export function renameRoles(snapshot: CatalogSnapshot, map: Record<string, string>): CatalogSnapshot {
  if (Object.keys(map).length === 0) return snapshot;
  const rename = (role: string) => map[role] ?? role;
  const mapped = structuredClone(snapshot) as CatalogSnapshot;
  for (const grant of Object.values(mapped.grants)) grant.grantee = rename(grant.grantee);
  for (const policy of Object.values(mapped.policies)) policy.roles = policy.roles.map(rename).sort();
  for (const entry of Object.values(mapped.defaultPrivileges)) {
    entry.role = rename(entry.role);
    entry.grantee = rename(entry.grantee);
  }
  for (const family of Object.values(mapped) as Record<string, { owner?: string }>[]) {
    for (const entry of Object.values(family)) if (entry.owner) entry.owner = rename(entry.owner);
  }
  return mapped;
}
