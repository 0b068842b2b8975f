// backups.protected: backups are protected like production data: the local target is readable by
// its owner alone (folder and files).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { backupTargetOf } from '../../../backup/backup-location.js';
import { LocalTarget } from '../../../backup/local-target.js';
import { S3Target } from '../../../backup/s3-target.js';
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import { noBackups } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const backupsProtected: Check<PostgresCheckContext> = {
  id: 'backups.protected',
  area: 'backups',
  title: 'backups are readable by their owner only',
  severity: 'fail',
  async run(ctx) {
    const target = backupTargetOf(ctx.project, ctx.env);
    if (target instanceof S3Target) return judgeBucket(target);
    if (!(target instanceof LocalTarget))
      return { status: 'skip', summary: `cannot judge ${target.location}` };
    const folder = await stat(target.dir).catch(() => undefined);
    if (!folder) return noBackups(ctx);
    const open: string[] = [];
    const look = async (path: string, shown: string, depth: number) => {
      const info = await stat(path);
      if ((info.mode & 0o077) !== 0) open.push(`${shown} (${(info.mode & 0o777).toString(8)})`);
      if (info.isDirectory() && depth < 3) {
        for (const name of await readdir(path)) await look(join(path, name), `${shown}/${name}`, depth + 1);
      }
    };
    await look(target.dir, target.location, 0);
    if (open.length === 0)
      return {
        status: 'pass',
        summary: `${target.location} and every backup in it are readable by their owner only`,
      };
    return {
      status: 'fail',
      summary: `${open.length} path(s) other users can read or enter: ${open.slice(0, 3).join(', ')}${open.length > 3 ? ' …' : ''}`,
      details: { open },
      fix: `chmod -R go-rwx ${target.location}`,
    };
  },
};

/** A bucket is protected when its policy status says it is not public; some servers cannot say. */
async function judgeBucket(target: S3Target): Promise<CheckOutcome> {
  const isPublic = await target.isPublic();
  if (isPublic === false) return { status: 'pass', summary: `${target.location}: the bucket is not public` };
  if (isPublic === true) {
    return {
      status: 'fail',
      summary: `${target.location}: the bucket is PUBLIC — anyone may read the backups`,
      fix: 'block public access on the bucket and remove public grants from its policy',
    };
  }
  return {
    status: 'warn',
    summary: `${target.location}: ${target.host} does not tell whether the bucket is public (no policy status)`,
    fix: 'make sure the bucket blocks public access; encrypt the backups (LAUNCHDB_BACKUP_KEY) either way',
  };
}
