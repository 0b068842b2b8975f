// A backup's keys: made per backup from a passphrase (stretched) or at random (wrapped for age
// recipients), then split by purpose. The secret behind them is never printed or stored.
import { createHmac, hkdfSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { wrapKey } from './age-key.js';
import type { BackupSecrets } from './backup-secrets.js';

/**
 * How a backup's files are encrypted: under keys stretched from a passphrase (`scrypt`, with a check
 * that tells a wrong passphrase), or under a random key stored only as an age file encrypted to the
 * recipients' public keys (`age`). Both are covered by the manifest's seal.
 */
export type BackupEncryption =
  | { algorithm: 'aes-256-gcm'; kdf: 'scrypt'; salt: string; keyCheck: string }
  | { algorithm: 'aes-256-gcm'; kdf: 'age'; recipients: string[]; wrappedKey: string };

/** The keys one backup uses, all derived from one master key. */
export interface BackupKeys {
  /** AES-256-GCM key of the files. */
  data: Buffer;
  /** HMAC-SHA256 key of the manifest. */
  manifest: Buffer;
  /** A short value stored in the manifest that tells a wrong passphrase from a damaged file. */
  check: string;
}

/** New keys for a backup and how the manifest records them; undefined when nothing encrypts backups. */
export async function newBackupKeys(
  secrets: BackupSecrets,
): Promise<{ keys: BackupKeys; encryption: BackupEncryption } | undefined> {
  if (secrets.recipients?.length) {
    // A random key that only the recipients' identities can read back: this machine keeps no secret.
    const master = randomBytes(32);
    const wrappedKey = await wrapKey(master, secrets.recipients);
    return {
      keys: splitKey(master, AGE_SALT),
      encryption: { algorithm: 'aes-256-gcm', kdf: 'age', recipients: [...secrets.recipients], wrappedKey },
    };
  }
  if (secrets.passphrase) {
    const salt = randomBytes(16);
    const keys = deriveKeys(secrets.passphrase, salt);
    return {
      keys,
      encryption: {
        algorithm: 'aes-256-gcm',
        kdf: 'scrypt',
        salt: salt.toString('hex'),
        keyCheck: keys.check,
      },
    };
  }
  return undefined;
}

/** A random master key needs no salt to split; this fixed one names the scheme. */
export const AGE_SALT = Buffer.from('launchdb backup age');

/** Stretches the passphrase with scrypt (so a weak one costs an attacker), then splits it by purpose. */
export function deriveKeys(passphrase: string, salt: Buffer): BackupKeys {
  const master = scryptSync(passphrase, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return splitKey(master, salt);
}

/** One key per purpose from the master key (HKDF-SHA256), so no key serves two. */
export function splitKey(master: Buffer, salt: Buffer): BackupKeys {
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
