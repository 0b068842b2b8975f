// backups.verify: the newest backup decrypts and every checksum matches (verified now unless it was).
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { backupSecrets } from '../backup/backup-secrets.js';
import { openBackup } from '../backup/open-backup.js';
import { readVerification, recordVerification, verifyBackup } from '../backup/verify-backup.js';
import { newestBackup, noBackups } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const backupsVerify: Check<PostgresCheckContext> = {
  id: 'backups.verify',
  area: 'backups',
  title: 'the newest backup verifies',
  severity: 'fail',
  // Verifying reads the whole backup.
  timeoutMs: 10 * 60_000,
  async run(ctx) {
    const newest = await newestBackup(ctx);
    if (!newest) return noBackups(ctx);
    const fix = `take a new backup and find out what changed the files; \`launchdb backup verify ${newest.id}\` says what`;
    const earlier = await readVerification(newest.target, newest.id);
    if (earlier?.ok)
      return {
        status: 'pass',
        summary: `${newest.id} verified ${earlier.at.slice(0, 16).replace('T', ' ')} UTC`,
      };
    try {
      const secrets = backupSecrets(ctx.env, ctx.project.config.backups);
      if (newest.manifest.encryption?.kdf === 'age' && !secrets.identities) {
        // By design the machine that takes age backups holds no identity: it cannot read them.
        return {
          status: 'warn',
          summary: `${newest.id} is encrypted to age recipients and no identity is set here to verify it`,
          fix: `verify it where an identity of its recipients is set: \`launchdb backup verify ${newest.id}\` records the result in the backup target, and this check reads it`,
        };
      }
      const backup = await openBackup(newest.target, newest.id, secrets);
      const result = await verifyBackup(backup);
      await recordVerification(newest.target, result);
      return result.ok
        ? { status: 'pass', summary: `${newest.id}: ${result.files} files, every checksum matches` }
        : { status: 'fail', summary: `${newest.id} is damaged: ${result.problem}`, fix };
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: `${newest.id} cannot be verified: ${error.message}`,
        ...(error.fix ? { fix: error.fix } : { fix }),
      };
    }
  },
};
