// backups.encrypted: backups of a guarded environment are encrypted, as production data deserves.
import type { Check } from '../../../core/checks/check.js';
import { newestBackup, noBackups } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const backupsEncrypted: Check<PostgresCheckContext> = {
  id: 'backups.encrypted',
  area: 'backups',
  title: 'backups are encrypted',
  severity: 'fail',
  async run(ctx) {
    const newest = await newestBackup(ctx);
    if (!newest) return noBackups(ctx);
    const encryption = newest.manifest.encryption;
    if (encryption) {
      const scheme =
        encryption.kdf === 'age'
          ? `its key encrypted to ${encryption.recipients.length} age recipient${encryption.recipients.length === 1 ? '' : 's'}`
          : 'its key from a passphrase';
      return {
        status: 'pass',
        summary: `newest backup ${newest.id} is encrypted (${encryption.algorithm}, ${scheme})`,
      };
    }
    if (!ctx.env.guarded) {
      return {
        status: 'pass',
        summary: `newest backup ${newest.id} is not encrypted; required only in guarded environments`,
      };
    }
    return {
      status: 'fail',
      summary: `the newest backup of ${ctx.env.name} (${newest.id}) is not encrypted`,
      fix: 'set backups.recipients to age public keys (the machine taking backups then holds no secret), or LAUNCHDB_BACKUP_KEY to a long random secret kept apart from the backups; then take a backup',
    };
  },
};
