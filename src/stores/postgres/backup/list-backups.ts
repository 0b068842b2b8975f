// An environment's complete backups, newest first, with what each manifest and verification note
// says: what `launchdb backup list` prints and the console's Backups tab shows.

import type { BackupTarget } from '../../../backup/local-target.js';
import { firstLine, isLaunchdbError, UsageError } from '../../../core/errors.js';
import { inParallel } from '../../../core/in-parallel.js';
import { readManifest } from './manifest.js';
import { readVerification } from './verify-backup.js';

export interface ListedBackup {
  id: string;
  /** When its snapshot was taken: the point in time it restores to. */
  time: string;
  /** Bytes as stored (compressed, maybe encrypted). */
  bytes: number;
  durationMs: number;
  tables: number;
  rows: number;
  encrypted: boolean;
  /** The last `backup verify` of it, or null when it was never verified. */
  verified: { at: string; ok: boolean } | null;
}

export interface BackupListing {
  /** The newest `limit` backups (all of them without a limit), newest first. */
  backups: ListedBackup[];
  /** How many complete backups the target holds. */
  total: number;
}

/** Reads at once from a remote target: each backup costs two small reads. */
const READS_IN_FLIGHT = 8;

/**
 * The target's complete backups, newest first; with `limit`, only that many of the newest are read.
 * Throws what the target throws when it cannot be read (an S3 endpoint down, a refused key).
 */
export async function listBackups(
  target: BackupTarget,
  options: { limit?: number } = {},
): Promise<BackupListing> {
  const ids = (await target.list()).reverse();
  const chosen = options.limit === undefined ? ids : ids.slice(0, options.limit);
  const listed = new Map<string, ListedBackup>();
  await inParallel(chosen, READS_IN_FLIGHT, async (id) => {
    // The manifest is read as listed, not authenticated: `backup verify` proves it.
    const [manifest, verified] = await Promise.all([
      readManifest(target, id).catch((error) => {
        throw unreadable(target, id, error);
      }),
      readVerification(target, id),
    ]);
    listed.set(id, {
      id,
      time: manifest.snapshotAt,
      bytes: manifest.totals.bytes,
      durationMs: manifest.durationMs,
      tables: manifest.totals.tables,
      rows: manifest.totals.rows,
      encrypted: manifest.encryption !== null,
      verified: verified ? { at: verified.at, ok: verified.ok } : null,
    });
  });
  return { backups: chosen.map((id) => listed.get(id)!), total: ids.length };
}

/** A manifest that cannot be read is named, with what proves the backup; the target's own errors pass. */
function unreadable(target: BackupTarget, id: string, error: unknown): Error {
  if (isLaunchdbError(error)) return error;
  return new UsageError(
    `the manifest of backup ${id} in ${target.location} cannot be read: ${firstLine(error)}`,
    {
      cause: error,
      fix: `run \`launchdb backup verify ${id}\` to see what is damaged`,
    },
  );
}
