// Pruning by retention: which complete backups the policy keeps, and removing the rest. A backup a
// drill is restoring from (noted beside it while the drill runs) is never removed, nor the newest.
import { hostname } from 'node:os';
import { type BackupTarget, ownerAlive } from '../../../backup/local-target.js';
import { applyRetention, type RetentionVerdict } from '../../../backup/retention.js';
import type { RetentionPolicy } from '../../../core/config/types.js';
import { readManifest } from './manifest.js';

/** Beside a backup while a drill restores from it: `{ pid, host }`. */
export const IN_USE_NOTE = 'in-use.json';

export interface ListedBackup {
  id: string;
  at: Date;
  bytes: number;
}

export async function planPrune(
  target: BackupTarget,
  policy: RetentionPolicy,
  now: Date,
): Promise<RetentionVerdict<ListedBackup>> {
  const backups: ListedBackup[] = [];
  const inUse = new Set<string>();
  for (const id of await target.list()) {
    const manifest = await readManifest(target, id);
    backups.push({ id, at: new Date(manifest.snapshotAt), bytes: manifest.totals.bytes });
    const note = await target.readNote(id, IN_USE_NOTE);
    if (note && ownerAlive(JSON.parse(note) as { pid: number; host: string })) inUse.add(id);
  }
  return applyRetention(backups, policy, now, inUse);
}

export async function removeBackups(target: BackupTarget, backups: readonly ListedBackup[]): Promise<void> {
  for (const backup of backups) await target.remove(backup.id);
}

/** Marks `id` as in use for the length of `fn`, so no prune removes it meanwhile. */
export async function whileInUse<T>(target: BackupTarget, id: string, fn: () => Promise<T>): Promise<T> {
  await target.writeNote(id, IN_USE_NOTE, JSON.stringify({ pid: process.pid, host: hostname() }));
  try {
    return await fn();
  } finally {
    await target.removeNote(id, IN_USE_NOTE).catch(() => {});
  }
}
