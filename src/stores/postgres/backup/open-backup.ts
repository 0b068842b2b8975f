// Opens a stored backup: reads its manifest, checks the manifest's seal, and derives its keys.
import { ExitCode, LaunchdbError, UsageError } from '../../../core/errors.js';
import { type BackupKeys, deriveKeys, keyMatches } from './backup-key.js';
import type { BackupTarget } from './local-target.js';
import { MANIFEST_FILE, manifestIntact, type SealedManifest } from './manifest.js';

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
 * The backup `id` in `target`, its manifest proven unchanged. An encrypted backup needs `secret`:
 * none, or the wrong one, is bad input (exit 2) and the message never holds the key.
 */
export async function openBackup(
  target: BackupTarget,
  id: string,
  secret: string | undefined,
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
  let keys: BackupKeys | undefined;
  if (manifest.encryption) {
    if (!secret) {
      throw new UsageError(`backup ${id} is encrypted and no backup key is set`, {
        fix: 'set LAUNCHDB_BACKUP_KEY (or the variable backups.key names) to the key it was taken with',
      });
    }
    keys = deriveKeys(secret, Buffer.from(manifest.encryption.salt, 'hex'));
    if (!keyMatches(keys, manifest.encryption.keyCheck)) {
      throw new UsageError(`the backup key does not open backup ${id}`, {
        fix: 'set the key the backup was taken with; a backup cannot be read without it',
      });
    }
  }
  if (!manifestIntact(manifest, keys?.manifest)) {
    throw new BackupDamaged(
      `the manifest of backup ${id} does not match its seal: it was damaged or changed`,
      'do not restore it; use another backup',
    );
  }
  return { id, target, manifest, ...(keys ? { keys } : {}) };
}
