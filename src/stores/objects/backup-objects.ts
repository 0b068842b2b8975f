// The objects in a backup: a manifest of every object (key, size, SHA-256 of its bytes), one JSON
// line each, streamed into the backup as a file compressed and encrypted like the table data. The
// objects' bytes stay where they are: drills re-read a sample of them against this manifest.
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { type Codec, decode, encode, measure } from '../../backup/data-codec.js';
import type { BackupWriter, StoredFile } from '../../backup/local-target.js';
import type { Environment } from '../../core/project.js';
import type { ObjectStore } from './object-store.js';
import { openObjectStore } from './open.js';

export const OBJECTS_FILE = 'objects.jsonl.gz';

/** What the backup manifest records of the objects (its optional `objects` field). */
export interface ObjectsInBackup {
  /** Where they were read from, for output: `.launchdb/production/objects`, `host:port/bucket`. */
  location: string;
  /** Objects listed, and their bytes. */
  count: number;
  bytes: number;
  /** SHA-256 of the file's plain JSON lines; the stored file's own checksum is in `file`. */
  sha256: string;
  file: StoredFile;
}

/** One line of the objects file. */
export interface ObjectEntry {
  key: string;
  size: number;
  sha256: string;
}

/** The environment's objects when its config puts them in its backups (`objects.backup: true`). */
export function objectsToBackUp(env: Environment): ObjectStore | undefined {
  return env.config.objects?.backup === true ? openObjectStore(env) : undefined;
}

/** Lists every object, hashes its bytes, and writes the lines to the backup as they come. */
export async function backUpObjects(
  store: ObjectStore,
  writer: BackupWriter,
  codec: Codec,
  options: { signal?: AbortSignal } = {},
): Promise<ObjectsInBackup> {
  let count = 0;
  let bytes = 0;
  async function* lines(): AsyncIterable<Buffer> {
    for await (const object of store.list()) {
      options.signal?.throwIfAborted();
      const entry = await hashObject(store, object.key);
      count++;
      bytes += entry.size;
      yield Buffer.from(`${JSON.stringify(entry)}\n`);
    }
  }
  const plain = measure(lines(), { lines: false });
  const file = await writer.write(OBJECTS_FILE, encode(plain.chunks, codec, OBJECTS_FILE));
  return { location: store.location, count, bytes, sha256: plain.result().sha256, file };
}

/** The object's size and SHA-256, read now; a missing one rejects with `code: 'NoSuchKey'`. */
export async function hashObject(store: ObjectStore, key: string): Promise<ObjectEntry> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of store.read(key)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { key, size, sha256: hash.digest('hex') };
}

/** The objects file's entries, decoded (and decrypted with the backup's data key). */
export async function* readObjectEntries(
  stored: AsyncIterable<Buffer>,
  key: Buffer | undefined,
): AsyncIterable<ObjectEntry> {
  let rest = '';
  // A chunk may end inside a character: the decoder keeps its first bytes for the next.
  const text = new StringDecoder('utf8');
  for await (const chunk of decode(stored, key ? { key } : {}, OBJECTS_FILE)) {
    const lines = (rest + text.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) yield JSON.parse(line) as ObjectEntry;
  }
  if (rest) yield JSON.parse(rest) as ObjectEntry;
}
