// The backup key: read from the environment, stretched per backup, and never printed or stored.
import { createHmac, hkdfSync, scryptSync, timingSafeEqual } from 'node:crypto';
import type { BackupsConfig } from '../../../core/config/types.js';
import { UsageError } from '../../../core/errors.js';
import { type Environment, resolveValue } from '../../../core/project.js';

export const DEFAULT_KEY_VARIABLE = 'LAUNCHDB_BACKUP_KEY';
const MIN_KEY_LENGTH = 16;

/** The keys one backup uses, all derived from the secret and the backup's salt. */
export interface BackupKeys {
  /** AES-256-GCM key of the files. */
  data: Buffer;
  /** HMAC-SHA256 key of the manifest. */
  manifest: Buffer;
  /** A short value stored in the manifest that tells a wrong key from a damaged file. */
  check: string;
}

/** The secret for `env`, or undefined when none is configured (backups are then not encrypted). */
export function backupSecret(env: Environment, config: BackupsConfig | undefined): string | undefined {
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

/** Stretches the secret with scrypt (so a weak passphrase costs an attacker), then splits it by purpose. */
export function deriveKeys(secret: string, salt: Buffer): BackupKeys {
  const master = scryptSync(secret, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, salt, purpose, 32));
  const manifest = derive('launchdb backup manifest');
  return {
    data: derive('launchdb backup data'),
    manifest,
    check: createHmac('sha256', manifest).update('launchdb key check').digest('hex').slice(0, 16),
  };
}

/** True when `keys` are the ones the backup was taken with. */
export function keyMatches(keys: BackupKeys, check: string): boolean {
  const a = Buffer.from(keys.check);
  const b = Buffer.from(check);
  return a.length === b.length && timingSafeEqual(a, b);
}
