// What the server allows: its connection slots, the reserved ones, and the roles' current connection limits.
import type { Queryable } from '../database.js';
import { one } from '../provision/one.js';

export interface ServerLimits {
  maxConnections: number;
  superuserReserved: number;
  /** `reserved_connections` (Postgres 16+); 0 on older servers, which do not have it. */
  reserved: number;
  /** `server_version`, e.g. `15.8`. */
  version: string;
}

export interface RoleLimit {
  role: string;
  exists: boolean;
  /** The role's CONNECTION LIMIT; null for none (-1). */
  connectionLimit: number | null;
  /** Postgres applies no connection limit to superusers. */
  superuser: boolean;
}

// Every role may read these settings and pg_roles, so the app's own credentials do.
const LIMITS_SQL = `
select current_setting('max_connections')::int as max_connections,
  current_setting('superuser_reserved_connections')::int as superuser_reserved,
  coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0) as reserved,
  current_setting('server_version') as version`;

const ROLES_SQL = `
select rolname::text as role, rolconnlimit as connection_limit, rolsuper as superuser
from pg_roles where rolname = any($1::text[])`;

export async function readServerLimits(db: Queryable): Promise<ServerLimits> {
  const row = await one<{
    max_connections: number;
    superuser_reserved: number;
    reserved: number;
    version: string;
  }>(db, LIMITS_SQL);
  return {
    maxConnections: row.max_connections,
    superuserReserved: row.superuser_reserved,
    reserved: row.reserved,
    version: row.version,
  };
}

/** The named roles' limits, in the order asked; a role the server does not have says `exists: false`. */
export async function readRoleLimits(db: Queryable, roles: string[]): Promise<RoleLimit[]> {
  const { rows } = await db.query<{ role: string; connection_limit: number; superuser: boolean }>(ROLES_SQL, [
    roles,
  ]);
  const found = new Map(rows.map((row) => [row.role, row]));
  return roles.map((role) => {
    const row = found.get(role);
    return {
      role,
      exists: row !== undefined,
      connectionLimit: row === undefined || row.connection_limit < 0 ? null : row.connection_limit,
      superuser: row?.superuser ?? false,
    };
  });
}
