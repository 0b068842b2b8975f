// backups.verify: the newest backup as it is now. Every stored file is read and matched against the
// manifest (no key needed); the first time, where it can be opened here, it is also verified in full
// (decrypted, decompressed, every content checksum); a recorded failed verification fails until a
// later one passes.

import { type BackupSecrets, backupSecrets } from '../../../backup/backup-secrets.js';
import type { BackupTarget } from '../../../backup/local-target.js';
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { SealedManifest } from '../backup/manifest.js';
import { openBackup } from '../backup/open-backup.js';
import {
  checkStoredFiles,
  readVerification,
  recordVerification,
  verifyBackup,
} from '../backup/verify-backup.js';
import { newestBackup, noBackups } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

const TIMEOUT_MS = 10 * 60_000;
/** Reading stops here, leaving the check time to say how far it got. */
const READ_BUDGET_MS = TIMEOUT_MS - 60_000;

export const backupsVerify: Check<PostgresCheckContext> = {
  id: 'backups.verify',
  area: 'backups',
  title: 'the newest backup verifies',
  severity: 'fail',
  // Reads the whole backup.
  timeoutMs: TIMEOUT_MS,
  async run(ctx) {
    const deadline = performance.now() + READ_BUDGET_MS;
    try {
      const newest = await newestBackup(ctx);
      if (!newest) return noBackups(ctx);
      const { target, id, manifest } = newest;
      const fix = `take a new backup and find out what changed the files; \`launchdb backup verify ${id}\` says what`;
      const recorded = await readVerification(target, id);
      if (recorded && !recorded.ok) {
        return {
          status: 'fail',
          summary: `${id} failed its last verification (${utc(recorded.at)}): ${recorded.problem}`,
          details: { verification: recorded },
          fix: `take a new backup; \`launchdb backup verify ${id}\` clears this once it passes`,
        };
      }
      if (manifest.encryption && manifest.seal?.method !== 'hmac-sha256') {
        // Only the key holder can seal an encrypted backup's manifest: a keyless seal is a forged one.
        return {
          status: 'fail',
          summary: `the manifest of ${id} is encrypted but not sealed with its key: it was changed`,
          fix,
        };
      }
      const secrets = backupSecrets(ctx.env, ctx.project.config.backups);
      // Opening checks the seal (a wrong key or identity is an error, caught below).
      const opened = canOpen(manifest, secrets) ? await openBackup(target, id, secrets) : undefined;
      const seal = !opened
        ? 'its seal is an HMAC under the backup key, not checked here'
        : manifest.encryption
          ? 'its seal (an HMAC under the backup key) matches'
          : 'its seal (a plain SHA-256: finds damage, not a deliberate edit) matches';

      if (opened && !recorded) {
        const started = performance.now();
        const result = await verifyBackup(opened);
        await record(target, result);
        const read = `${result.files} files, ${bytes(manifest.totals.bytes)} read and decoded in ${seconds(performance.now() - started)}`;
        return result.ok
          ? {
              status: 'pass',
              summary: `${id} verified in full now: ${read}, every checksum matches; ${seal}`,
            }
          : { status: 'fail', summary: `${id} is damaged: ${result.problem}`, fix };
      }

      const stored = await checkStoredFiles(target, id, manifest, { deadline });
      const read = `${stored.files} of ${stored.total} files, ${bytes(stored.bytes)} read in ${seconds(stored.ms)}`;
      const details = { ...stored, seal, verification: recorded ?? null };
      if (stored.problems.length > 0) {
        const more = stored.problems.length > 1 ? ` (and ${stored.problems.length - 1} more files)` : '';
        const problem = `${stored.problems[0]}${more}`;
        await record(target, { id, ok: false, problem });
        return { status: 'fail', summary: `${id} is damaged: ${problem}; ${read}`, details, fix };
      }
      if (stored.unfinished) {
        return {
          status: 'warn',
          summary: `${id}: only ${read} within the check's time, all matching the manifest; the rest was not read`,
          details,
          fix: `run \`launchdb backup verify ${id}\`, which reads all of it`,
        };
      }
      if (recorded) {
        return {
          status: 'pass',
          summary: `${id}: ${read} match its manifest; verified in full ${utc(recorded.at)}; ${seal}`,
          details,
        };
      }
      return unverifiable(id, manifest, `${read} match its manifest, but ${seal}`, details);
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: `the newest backup cannot be verified: ${error.message}`,
        ...(error.fix ? { fix: error.fix } : {}),
      };
    }
  },
};

/** Notes the finding beside the backup; where this machine may only read the target, the verdict stands. */
async function record(target: BackupTarget, result: Parameters<typeof recordVerification>[1]) {
  await recordVerification(target, result).catch((error: unknown) => {
    if (!isLaunchdbError(error)) throw error;
  });
}

/** True when the secrets here open the backup: it is not encrypted, or its key or an identity is set. */
function canOpen(manifest: SealedManifest, secrets: BackupSecrets): boolean {
  if (!manifest.encryption) return true;
  return manifest.encryption.kdf === 'age'
    ? Boolean(secrets.identities?.length)
    : Boolean(secrets.passphrase);
}

/** A backup never verified in full, and not openable here: its stored files are all this check can see. */
function unverifiable(id: string, manifest: SealedManifest, found: string, details: unknown): CheckOutcome {
  if (manifest.encryption?.kdf === 'age') {
    // By design the machine that takes age backups holds no identity: it cannot read them.
    return {
      status: 'warn',
      summary: `${id} is encrypted to age recipients and no identity is set here to verify it: ${found}`,
      details,
      fix: `verify it where an identity of its recipients is set: \`launchdb backup verify ${id}\` records the result in the backup target, and this check reads it`,
    };
  }
  return {
    status: 'fail',
    summary: `${id} is encrypted and no backup key is set here to verify it: ${found}`,
    details,
    fix: 'set LAUNCHDB_BACKUP_KEY (or the variable backups.key names) to the key it was taken with',
  };
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
