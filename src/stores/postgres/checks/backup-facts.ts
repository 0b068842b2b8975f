// What the backup checks read: the environment's newest complete backup, its declared backup job, and
// how strictly to judge.

import { backupTargetOf } from '../../../backup/backup-location.js';
import type { BackupTarget } from '../../../backup/local-target.js';
import type { CheckOutcome } from '../../../core/checks/check.js';
import { type ScheduledJob, scheduledJobs } from '../../../scheduler/slots.js';
import { readManifest, type SealedManifest } from '../backup/manifest.js';
import { BackupDamaged } from '../backup/open-backup.js';
import type { PostgresCheckContext } from './context.js';

export interface NewestBackup {
  target: BackupTarget;
  id: string;
  /** Read as listed; `backups.verify` is the check that proves it. */
  manifest: SealedManifest;
}

/** The newest complete backup, or undefined when the environment has none. */
export async function newestBackup(ctx: PostgresCheckContext): Promise<NewestBackup | undefined> {
  const target = backupTargetOf(ctx.project, ctx.env);
  const id = (await target.list()).at(-1);
  if (!id) return undefined;
  const manifest = await readManifest(target, id).catch((error: unknown) => {
    if (!(error instanceof SyntaxError)) throw error;
    throw new BackupDamaged(`the manifest of backup ${id} is not valid JSON: it was damaged or changed`);
  });
  return { target, id, manifest };
}

/** The backup job scheduler.jobs declares for the environment (`launchdb scheduler run` runs it), if any. */
export function backupJobOf(ctx: PostgresCheckContext): ScheduledJob | undefined {
  return scheduledJobs(ctx.project.config).find(
    (job) => job.kind.name === 'backup' && job.env === ctx.env.name,
  );
}

/** Guarded environments (production) must have backups; elsewhere a problem is a warning. */
export function problem(ctx: PostgresCheckContext): 'fail' | 'warn' {
  return ctx.env.guarded ? 'fail' : 'warn';
}

/**
 * Before the first backup of an environment that is not guarded there is nothing to judge; a
 * guarded one without backups fails (or, for a check that only warns, warns).
 */
export function noBackups(ctx: PostgresCheckContext, status: 'fail' | 'warn' = 'fail'): CheckOutcome {
  const fix = `take one with \`launchdb backup create --env ${ctx.env.name}\`, and schedule it (a backup job in scheduler.jobs)`;
  return ctx.env.guarded
    ? {
        status,
        summary: `${ctx.env.name} has no backup in ${backupTargetOf(ctx.project, ctx.env).location}`,
        fix,
      }
    : {
        status: 'skip',
        summary: `no backups of ${ctx.env.name}; required in guarded environments (production)`,
      };
}

export function age(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${Math.round(hours / 24)} days`;
}
