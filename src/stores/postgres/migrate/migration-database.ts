// The database migrations run against: the owner's credentials, and only one marked for this environment.
import { UsageError } from '../../../core/errors.js';
import type { Environment } from '../../../core/project.js';
import type { PostgresDatabase } from '../database.js';
import { readMarker, refuseForeignMarker } from '../marker.js';
import { openPostgres } from '../open.js';
import { connectTimeoutOf, type PostgresTarget, resolvePostgresTarget } from '../target.js';

export interface MigrationDatabase {
  db: PostgresDatabase;
  target: PostgresTarget;
  location: string;
}

/**
 * Opens the environment's database as its owner (DATABASE_MIGRATION_URL when provisioned). A
 * database never attached, or attached to another environment, is refused: migrations never land
 * on the wrong database.
 */
export async function openMigrationDatabase(
  env: Environment,
  options: { connectTimeoutMs?: number; command: string; max?: number },
): Promise<MigrationDatabase> {
  const target = resolvePostgresTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no Postgres store`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  const location =
    target.backing === 'embedded' ? target.location : `${target.host}:${target.port}/${target.database}`;
  const db = await openPostgres(target, {
    as: 'migration',
    connectTimeoutMs: connectTimeoutOf(env, options.connectTimeoutMs),
    root: env.root,
    command: options.command,
    max: options.max ?? 2,
  });
  try {
    await refuseForeignMarker(db, env.project, env.name, location);
    if (!(await readMarker(db))) {
      throw new UsageError(`${location} is not attached to environment ${env.name}`, {
        fix: `run \`launchdb attach postgres --env ${env.name}\` first`,
      });
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, target, location };
}
