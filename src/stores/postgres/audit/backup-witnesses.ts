// The heads an environment's backups witnessed: each manifest carries the signed head of the trail
// as it was in the backup's snapshot, under the manifest's seal.
import type { BackupTarget } from '../../../backup/local-target.js';
import { readManifest } from '../backup/manifest.js';
import type { WitnessedHead } from './witness-file.js';

/** Manifests read at once: a target on S3 answers each with a request. */
const READ_AT_ONCE = 8;

export interface BackupWitnesses {
  heads: WitnessedHead[];
  /** Backups whose manifest could not be read (they witness nothing). */
  unreadable: string[];
}

export async function backupWitnesses(target: BackupTarget): Promise<BackupWitnesses> {
  const ids = await target.list();
  const witnesses: BackupWitnesses = { heads: [], unreadable: [] };
  for (let start = 0; start < ids.length; start += READ_AT_ONCE) {
    const batch = ids.slice(start, start + READ_AT_ONCE);
    const manifests = await Promise.all(batch.map((id) => readManifest(target, id).catch(() => undefined)));
    manifests.forEach((manifest, index) => {
      const id = batch[index]!;
      if (!manifest) witnesses.unreadable.push(id);
      else if (manifest.audit) witnesses.heads.push({ ...manifest.audit, source: `backup ${id}` });
    });
  }
  return witnesses;
}
