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
      return { status: 'pass', summary: `newest backup ${newest.id} is encrypted (${encryption.algorithm})` };
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
      fix: 'set LAUNCHDB_BACKUP_KEY (or backups.key) to a long random secret kept apart from the backups, then take a backup',
    };
  },
};
