// What the backup commands share: where an environment's backups are, and the secrets that seal and open them.

import { backupTargetOf } from '../backup/backup-location.js';
import { type BackupSecrets, backupSecrets, secretValues } from '../backup/backup-secrets.js';
import type { BackupTarget } from '../backup/local-target.js';
import { UsageError } from '../core/errors.js';
import type { Environment, Project } from '../core/project.js';
import { stringFlag } from './args.js';
import type { Io } from './io.js';
import type { CommandInput } from './spec.js';

// The backup commands' units moved to the core (the console shows them too); their importers keep this path.
export { formatBytes, formatDuration } from '../core/human-units.js';

/** `<env>-<yyyymmdd>-<hhmmss>-<hex>`: the environment is read back from the id. */
const BACKUP_ID = /^([a-z][a-z0-9_-]*)-(\d{8})-(\d{6})-([0-9a-f]{4})$/;

/** The environment's backup target: `--target DIR`, else the config's. */
export function backupTarget(project: Project, env: Environment, input: CommandInput): BackupTarget {
  return backupTargetOf(project, env, stringFlag(input, 'target'));
}

/**
 * The environment a backup id names; an id that is not one is bad input. `--env`, when given, must
 * name the same one ($LAUNCHDB_ENV is not read: the id decides).
 */
export function environmentOfBackup(project: Project, id: string, input: CommandInput): Environment {
  const match = BACKUP_ID.exec(id);
  if (!match) {
    throw new UsageError(`"${id}" is not a backup id (like production-20261126-030000-a1b2)`, {
      fix: 'run `launchdb backup list --env ENV` to see the ids',
    });
  }
  const named = stringFlag(input, 'env');
  // An --env that is no environment is refused as such first, with its did-you-mean.
  const flagged = named === undefined ? undefined : project.environment(named);
  const env = project.environment(match[1]!);
  if (flagged && flagged.name !== env.name) {
    throw new UsageError(
      `backup ${id} is of environment ${env.name}, not ${flagged.name} (--env ${flagged.name}); nothing was changed`,
      { fix: `pass --env ${env.name}, or leave --env out: the id names the environment` },
    );
  }
  return env;
}

/** The secrets of the environment's backups, registered so that no output can ever show them. */
export function secretsFor(project: Project, env: Environment, io: Io): BackupSecrets {
  const secrets = backupSecrets(env, project.config.backups);
  for (const value of secretValues(secrets)) io.secrets.add(value);
  return secrets;
}
