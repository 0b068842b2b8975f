// What encrypts an environment's backups and what opens them, read from the config and the environment:
// a passphrase, or age recipients to write to and an identity to read with. Never printed or stored.
import { isAgeIdentity } from '../core/config/age-format.js';
import type { BackupsConfig } from '../core/config/types.js';
import { UsageError } from '../core/errors.js';
import { type Environment, resolveValue } from '../core/project.js';

export const DEFAULT_KEY_VARIABLE = 'LAUNCHDB_BACKUP_KEY';
export const DEFAULT_IDENTITY_VARIABLE = 'LAUNCHDB_BACKUP_IDENTITY';
const MIN_KEY_LENGTH = 16;

export interface BackupSecrets {
  /** A passphrase: encrypts new backups when there are no recipients, and opens passphrase backups. */
  passphrase?: string;
  /** age public keys: new backups are encrypted to them (they win over a passphrase). Not secret. */
  recipients?: string[];
  /** age identities (`AGE-SECRET-KEY-1…`): open backups encrypted to their recipients. */
  identities?: string[];
}

/** The backup secrets of `env`; each one absent when it is not configured. */
export function backupSecrets(env: Environment, config: BackupsConfig | undefined): BackupSecrets {
  const passphrase = backupPassphrase(env, config);
  const identities = backupIdentities(env, config);
  const recipients = config?.recipients ?? [];
  return {
    ...(passphrase ? { passphrase } : {}),
    ...(recipients.length ? { recipients } : {}),
    ...(identities ? { identities } : {}),
  };
}

/** The secret values among `secrets`, for masking in output. */
export function secretValues(secrets: BackupSecrets): string[] {
  return [...(secrets.passphrase ? [secrets.passphrase] : []), ...(secrets.identities ?? [])];
}

function backupPassphrase(env: Environment, config: BackupsConfig | undefined): string | undefined {
  const configured = config?.key;
  const secret = configured
    ? resolveValue(env, configured, 'backups.key')
    : env.vars[DEFAULT_KEY_VARIABLE] || undefined;
  if (secret !== undefined && secret.length < MIN_KEY_LENGTH) {
    const name = configured?.name ?? DEFAULT_KEY_VARIABLE;
    throw new UsageError(`the backup key in ${name} is shorter than ${MIN_KEY_LENGTH} characters`, {
      fix: `set ${name} to a long random value, e.g. \`openssl rand -base64 32\``,
    });
  }
  return secret;
}

/**
 * The identities in the variable `backups.identity` names (else LAUNCHDB_BACKUP_IDENTITY): one key,
 * or an identity file's text (`#` comments and blank lines skipped). An unset variable is no identity,
 * not an error: the machine that takes backups needs none, and opening says what is missing.
 */
function backupIdentities(env: Environment, config: BackupsConfig | undefined): string[] | undefined {
  const name = config?.identity?.name ?? DEFAULT_IDENTITY_VARIABLE;
  const text = env.vars[name] || config?.identity?.fallback;
  if (!text) return undefined;
  const identities = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (identities.length === 0 || !identities.every(isAgeIdentity)) {
    throw new UsageError(`${name} does not hold an age identity`, {
      fix: `set ${name} to an identity (AGE-SECRET-KEY-1…) as \`age-keygen\` or \`launchdb backup keygen\` writes it, e.g. "$(cat key.txt)"`,
    });
  }
  return identities;
}
