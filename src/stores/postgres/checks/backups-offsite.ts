// backups.offsite: the backups are not on the machine (or disk) the database is on: one lost disk or
// host must not take both.
import { stat } from 'node:fs/promises';
import { backupTargetOf } from '../../../backup/backup-location.js';
import { LocalTarget } from '../../../backup/local-target.js';
import { S3Target } from '../../../backup/s3-target.js';
import type { Check } from '../../../core/checks/check.js';
import { isLoopback } from '../connection-url.js';
import { noBackups } from './backup-facts.js';
import type { PostgresCheckContext } from './context.js';

export const backupsOffsite: Check<PostgresCheckContext> = {
  id: 'backups.offsite',
  area: 'backups',
  title: 'backups are kept apart from the database',
  severity: 'warn',
  async run(ctx) {
    const target = backupTargetOf(ctx.project, ctx.env);
    if (target instanceof S3Target) {
      return isLoopback(target.host)
        ? {
            status: 'warn',
            summary: `${target.location} is object storage on this machine (${target.host})`,
            fix: 'use object storage on another host',
          }
        : { status: 'pass', summary: `${target.location}: object storage at ${target.host}` };
    }
    if (!(target instanceof LocalTarget))
      return { status: 'skip', summary: `cannot judge ${target.location}` };
    const folder = await stat(target.dir).catch(() => undefined);
    if (!folder) return noBackups(ctx, 'warn');
    const fix =
      'keep backups on another machine: object storage (backups.s3), or backups.dir on a mounted remote disk';
    const db = ctx.postgres.target;
    if (db.backing === 'embedded') {
      const data = await stat(db.dataDir).catch(() => undefined);
      const sameDisk = data !== undefined && data.dev === folder.dev;
      return {
        status: 'warn',
        summary: `${target.location} is on the same machine${sameDisk ? ' and disk' : ''} as the embedded database ${db.location}`,
        fix,
      };
    }
    if (isLoopback(db.host)) {
      return {
        status: 'warn',
        summary: `${target.location} is on the same machine as the database (${db.host}:${db.port})`,
        fix,
      };
    }
    return { status: 'pass', summary: `${target.location} is on this machine, the database on ${db.host}` };
  },
};
