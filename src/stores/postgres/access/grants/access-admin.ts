// The admin's connection to an environment's database, for what only an admin may do there: create,
// change and drop personal roles. Refused when the database is marked as another environment's.
import { UnreachableError, UsageError } from '../../../../core/errors.js';
import type { Environment } from '../../../../core/project.js';
import { openAdminDatabase } from '../../admin-database.js';
import { parseConnectionUrl } from '../../connection-url.js';
import type { PostgresDatabase } from '../../database.js';
import { one } from '../../provision/one.js';
import { quoteIdent } from '../../sql-quote.js';
import { resolveAdminUrl, type ServerTarget } from '../../target.js';

export interface AccessAdmin {
  /** The admin user, connected to the environment's database. */
  db: PostgresDatabase;
  /** `host:port/database`, as output names it. */
  location: string;
  /** The admin URL's host and port: where the person's own URL points (never a pooler). */
  adminUrl: string;
  user: string;
  superuser: boolean;
  /** `server_version_num`: Postgres 16 grants memberships with INHERIT and SET options. */
  versionNum: number;
}

/**
 * Connects as the admin (`DATABASE_ADMIN_URL`, or the config's `adminUrl`) to the environment's
 * database, which must be marked as this environment's, with the right to create roles.
 */
export async function openAccessAdmin(
  env: Environment,
  target: ServerTarget,
  options: { command: string; connectTimeoutMs?: number | undefined },
): Promise<AccessAdmin> {
  const adminUrl = resolveAdminUrl(env);
  if (!adminUrl) {
    throw new UsageError(
      `${options.command} creates or drops roles, which needs an admin URL for environment ${env.name}; nothing was changed`,
      { fix: `set DATABASE_ADMIN_URL, or environments.${env.name}.postgres.adminUrl in the config` },
    );
  }
  const { db, location } = await openAdminDatabase(env, target, adminUrl, options);
  try {
    const self = await one<{ user: string; superuser: boolean; createrole: boolean; version: number }>(
      db,
      `select rolname::text as user, rolsuper as superuser, rolcreaterole as createrole,
              current_setting('server_version_num')::int as version
         from pg_roles where rolname = current_user`,
    );
    if (!self.superuser && !self.createrole) {
      const { host, port } = parseConnectionUrl(adminUrl);
      throw new UnreachableError(
        `the admin user "${self.user}" at ${host}:${port} lacks CREATEROLE; it cannot create or drop personal roles`,
        { fix: `use an admin URL of a superuser, or ALTER ROLE ${quoteIdent(self.user)} CREATEROLE` },
      );
    }
    return {
      db,
      location,
      adminUrl,
      user: self.user,
      superuser: self.superuser,
      versionNum: self.version,
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
