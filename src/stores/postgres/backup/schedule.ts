// The backup scheduler: takes a backup at each time of a cron schedule and prunes by retention, a log
// line per run. Any number of schedulers on one environment take each scheduled backup once: the
// one holding a Postgres advisory lock takes it; the others find it taken.

import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import type { RetentionPolicy } from '../../../core/config/types.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { PostgresDatabase } from '../database.js';
import { type CreateBackupOptions, createBackup } from './create-backup.js';
import type { BackupTarget } from './local-target.js';
import { readManifest } from './manifest.js';
import { planPrune, removeBackups } from './prune.js';

export interface ScheduleOptions {
  cron: string;
  target: BackupTarget;
  backup: Omit<CreateBackupOptions, 'target' | 'signal'>;
  retention?: RetentionPolicy;
  /** Opens the environment's database for one run (closed after it). */
  open: () => Promise<PostgresDatabase>;
  /** Stops the scheduler; a backup in progress is abandoned and its partial files removed. */
  signal: AbortSignal;
  log: (line: string) => void;
  now?: () => Date;
}

/** One lock for every scheduler of an environment's database. */
const LOCK = `hashtextextended('launchdb backup schedule', 0)`;

/** Runs until `signal` aborts. Each run's outcome is a log line; a failed run does not stop it. */
export async function runSchedule(options: ScheduleOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const cron = new Cron(options.cron, { paused: true, timezone: 'UTC' });
  while (!options.signal.aborted) {
    const slot = cron.nextRun(now());
    if (!slot) return;
    options.log(`next backup at ${slot.toISOString()}`);
    try {
      await sleep(Math.max(0, slot.getTime() - now().getTime()), undefined, { signal: options.signal });
    } catch {
      return;
    }
    await runOnce(options, slot);
  }
}

async function runOnce(options: ScheduleOptions, slot: Date): Promise<void> {
  const at = slot.toISOString();
  let db: PostgresDatabase;
  try {
    db = await options.open();
  } catch (error) {
    options.log(`${at}: no backup: ${message(error)}`);
    return;
  }
  try {
    await db.withConnection(async (lock) => {
      const { rows } = await lock.query<{ got: boolean }>(`select pg_try_advisory_lock(${LOCK}) as got`);
      if (!rows[0]?.got) {
        options.log(`${at}: another scheduler is taking this backup`);
        return;
      }
      try {
        const newest = await newestSnapshot(options.target);
        if (newest && newest >= slot) {
          options.log(`${at}: already taken by another scheduler`);
          return;
        }
        const result = await createBackup(db, {
          ...options.backup,
          target: options.target,
          signal: options.signal,
        });
        options.log(
          `${at}: backup ${result.id}: ${result.tables} tables, ${result.rows} rows, ${result.bytes} bytes, ${result.durationMs} ms${result.encrypted ? ', encrypted' : ''}`,
        );
        if (options.retention) {
          const plan = await planPrune(options.target, options.retention, new Date());
          await removeBackups(options.target, plan.remove);
          // No one confirms a scheduler's deletions: the policy in the config is the confirmation.
          if (plan.remove.length > 0) {
            options.log(
              `${at}: pruned ${plan.remove.map((backup) => backup.id).join(', ')} under the config's retention policy (backups.retention ${JSON.stringify(options.retention)})`,
            );
          }
        }
      } finally {
        await lock.query(`select pg_advisory_unlock(${LOCK})`).catch(() => {});
      }
    });
  } catch (error) {
    if (options.signal.aborted) {
      options.log(`${at}: stopped; the unfinished backup was removed`);
      return;
    }
    options.log(`${at}: backup failed: ${message(error)}`);
  } finally {
    await db.close().catch(() => {});
  }
}

async function newestSnapshot(target: BackupTarget): Promise<Date | undefined> {
  const id = (await target.list()).at(-1);
  if (!id) return undefined;
  const manifest = await readManifest(target, id);
  return new Date(manifest.snapshotAt);
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (isLaunchdbError(error) ? text : text.split('\n')[0]) ?? text;
}
