// Opens a stored backup: reads its manifest, checks the manifest's seal, and derives its keys.

import { recipientsOf, unwrapKey } from '../../../backup/age-key.js';
import { AGE_SALT, type BackupKeys, deriveKeys, keyMatches, splitKey } from '../../../backup/backup-key.js';
import type { BackupSecrets } from '../../../backup/backup-secrets.js';
import type { BackupTarget } from '../../../backup/local-target.js';
import { ExitCode, LaunchdbError, UsageError } from '../../../core/errors.js';
import { type BackupEncryption, MANIFEST_FILE, manifestIntact, type SealedManifest } from './manifest.js';

export interface OpenedBackup {
  id: string;
  target: BackupTarget;
  manifest: SealedManifest;
  keys?: BackupKeys;
}

/** A backup that is damaged or was changed: the command ran and the answer is no (exit 1). */
export class BackupDamaged extends LaunchdbError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.notReady, fix ? { fix } : {});
  }
}

/**
 * The backup `id` in `target`, its manifest proven unchanged. An encrypted backup needs its passphrase,
 * or an identity of one of its age recipients: none, or a wrong one, is bad input (exit 2) and the
 * message never holds the secret.
 */
export async function openBackup(
  target: BackupTarget,
  id: string,
  secrets: BackupSecrets = {},
): Promise<OpenedBackup> {
  const text = await target.readText(id, MANIFEST_FILE).catch(() => undefined);
  if (text === undefined) {
    throw new UsageError(`no complete backup ${id} in ${target.location}`, {
      fix: 'run `launchdb backup list --env ENV` to see the backups there',
    });
  }
  let manifest: SealedManifest;
  try {
    manifest = JSON.parse(text) as SealedManifest;
  } catch {
    throw new BackupDamaged(`the manifest of backup ${id} is not valid JSON: it was damaged or changed`);
  }
  const keys = manifest.encryption ? await keysOf(id, manifest.encryption, secrets) : undefined;
  if (!manifestIntact(manifest, keys?.manifest)) {
    throw new BackupDamaged(
      `the manifest of backup ${id} does not match its seal: it was damaged or changed`,
      'do not restore it; use another backup',
    );
  }
  return { id, target, manifest, ...(keys ? { keys } : {}) };
}

/** The keys of an encrypted backup, from its passphrase or by unwrapping its key with an identity. */
async function keysOf(id: string, encryption: BackupEncryption, secrets: BackupSecrets): Promise<BackupKeys> {
  if (encryption.kdf === 'age') {
    // Read before the seal is checked: a changed manifest must still fail cleanly.
    const listed = Array.isArray(encryption.recipients) ? encryption.recipients : [];
    // Public keys, safe to print; a post-quantum one is shortened.
    const named = listed.map((key) => (key.length > 64 ? `${key.slice(0, 16)}…${key.slice(-8)}` : key));
    const fix = `set LAUNCHDB_BACKUP_IDENTITY (or the variable backups.identity names) to the identity of one of its recipients: ${named.join(', ')}`;
    if (!secrets.identities?.length) {
      throw new UsageError(`backup ${id} is encrypted to age recipients and no identity is set`, { fix });
    }
    const master = await unwrapKey(String(encryption.wrappedKey), secrets.identities);
    if (master?.length === 32) return splitKey(master, AGE_SALT);
    // age authenticates the wrapped key: it fails to open for a stranger's identity, or once changed.
    const mine = await recipientsOf(secrets.identities);
    if (!mine.some((recipient) => listed.includes(recipient))) {
      throw new UsageError(`the age identity does not open backup ${id}: it is not one of its recipients`, {
        fix,
      });
    }
    throw new BackupDamaged(
      `the wrapped key of backup ${id} does not open with its recipient's identity: it was damaged or changed`,
      'do not restore it; use another backup',
    );
  }
  if (encryption.kdf !== 'scrypt') {
    throw new BackupDamaged(
      `backup ${id} names an encryption launchdb does not know: it was damaged or changed`,
    );
  }
  if (!secrets.passphrase) {
    throw new UsageError(`backup ${id} is encrypted and no backup key is set`, {
      fix: 'set LAUNCHDB_BACKUP_KEY (or the variable backups.key names) to the key it was taken with',
    });
  }
  const keys = deriveKeys(secrets.passphrase, Buffer.from(encryption.salt, 'hex'));
  if (!keyMatches(keys, encryption.keyCheck)) {
    throw new UsageError(`the backup key does not open backup ${id}`, {
      fix: 'set the key the backup was taken with; a backup cannot be read without it',
    });
  }
  return keys;
}
