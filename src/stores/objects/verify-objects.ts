// A drill's look at a backup's objects: a random sample of the listed objects re-read from the store
// and compared, size and SHA-256, with the backup's objects file. A missing or changed object is a
// problem naming its key.
import { randomInt } from 'node:crypto';
import type { BackupTarget } from '../../backup/local-target.js';
import { hashObject, type ObjectEntry, type ObjectsInBackup, readObjectEntries } from './backup-objects.js';
import type { ObjectStore } from './object-store.js';

/** Objects re-read at least, else 1% of them, whichever is more (all when there are fewer). */
export const OBJECTS_SAMPLE_MIN = 20;
export const OBJECTS_SAMPLE_SHARE = 0.01;

export interface ObjectsSampleCheck {
  /** Objects re-read, of `listed` in the backup. */
  sampled: number;
  listed: number;
  /** Each sampled object that is missing or differs, naming its key. */
  problems: string[];
}

export function objectsSampleSize(listed: number): number {
  return Math.min(listed, Math.max(OBJECTS_SAMPLE_MIN, Math.ceil(listed * OBJECTS_SAMPLE_SHARE)));
}

export async function verifyObjectsSample(
  backup: { target: BackupTarget; id: string; keys?: { data: Buffer } },
  objects: ObjectsInBackup,
  store: ObjectStore,
): Promise<ObjectsSampleCheck> {
  const size = objectsSampleSize(objects.count);
  // Reservoir sampling: one pass over the file, `size` entries held, each equally likely.
  const sample: ObjectEntry[] = [];
  let seen = 0;
  for await (const entry of readObjectEntries(
    backup.target.read(backup.id, objects.file.path),
    backup.keys?.data,
  )) {
    seen++;
    if (sample.length < size) sample.push(entry);
    else {
      const at = randomInt(seen);
      if (at < size) sample[at] = entry;
    }
  }
  const problems: string[] = [];
  if (seen !== objects.count)
    problems.push(`the objects file lists ${seen} objects, the manifest says ${objects.count}`);
  for (const expected of sample) {
    const problem = await compareObject(store, expected);
    if (problem) problems.push(problem);
  }
  return { sampled: sample.length, listed: objects.count, problems };
}

async function compareObject(store: ObjectStore, expected: ObjectEntry): Promise<string | undefined> {
  let actual: ObjectEntry;
  try {
    actual = await hashObject(store, expected.key);
  } catch (error) {
    if ((error as { code?: string }).code === 'NoSuchKey')
      return `object ${expected.key} is missing from ${store.location}`;
    throw error;
  }
  if (actual.size !== expected.size)
    return `object ${expected.key} is ${actual.size} bytes, the backup recorded ${expected.size}`;
  if (actual.sha256 !== expected.sha256)
    return `object ${expected.key} has changed: its SHA-256 is not the one the backup recorded`;
  return undefined;
}
