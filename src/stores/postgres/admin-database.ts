// The admin's connection to an environment's own database (DATABASE_ADMIN_URL, or the config's
// adminUrl), for what the environment's own roles may not do. Refused unless the database is marked
// as this environment's: whatever the URL says, an admin never acts on another environment's data.
import { UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { parseConnectionUrl, withCredentials } from './connection-url.js';
import type { PostgresDatabase } from './database.js';
import { readMarker, refuseForeignMarker } from './marker.js';
import { openServer } from './server.js';
import { connectTimeoutOf, type ServerTarget } from './target.js';

export interface AdminDatabase {
  /** The admin user, connected to the environment's database. */
  db: PostgresDatabase;
  /** `host:port/database`, as output names it. */
  location: string;
  adminUrl: string;
}

export async function openAdminDatabase(
  env: Environment,
  target: ServerTarget,
  adminUrl: string,
  options: { command: string; connectTimeoutMs?: number | undefined; max?: number },
): Promise<AdminDatabase> {
  const { host, port } = parseConnectionUrl(adminUrl);
  const location = `${host}:${port}/${target.database}`;
  const db = await openServer(withCredentials(adminUrl, { database: target.database }), {
    connectTimeoutMs: connectTimeoutOf(env, options.connectTimeoutMs),
    max: options.max ?? 2,
    applicationName: `launchdb ${options.command}`,
    location,
  });
  try {
    await refuseForeignMarker(db, env.project, env.name, location);
    if (!(await readMarker(db))) {
      throw new UsageError(`${location} is not attached to environment ${env.name}; nothing was changed`, {
        fix: `run \`launchdb attach postgres --env ${env.name}\` first`,
      });
    }
    return { db, location, adminUrl };
  } catch (error) {
    await db.close();
    throw error;
  }
}
