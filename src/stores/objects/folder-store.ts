// An environment's objects in a folder (the embedded backing): a key is a path under the folder.
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { noSuchKey, type ObjectStore, type StoredObject } from './object-store.js';

/** Files whose sizes are asked at once while listing. */
const STAT_BATCH = 64;

/** launchdb's own folder under the root: the marker; never listed as an object. */
export const OWN_PREFIX = '.launchdb/';

export class FolderStore implements ObjectStore {
  constructor(
    readonly folder: string,
    readonly location: string,
  ) {}

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    if (!existsSync(this.folder)) return;
    yield* this.walk('', prefix);
  }

  /**
   * Depth first, entries sorted with a folder's name followed by `/`: keys then come in the same
   * order a bucket lists them (`a-b` before `a/b`).
   */
  private async *walk(dir: string, prefix: string): AsyncIterable<StoredObject> {
    const entries = await readdir(join(this.folder, dir), { withFileTypes: true });
    const named = entries
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => ({ entry, key: `${dir}${entry.name}${entry.isDirectory() ? '/' : ''}` }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Only into folders that can hold keys under the prefix, never launchdb's own.
    const wanted = named.filter(
      ({ entry, key }) =>
        !key.startsWith(OWN_PREFIX) &&
        (entry.isDirectory() ? key.startsWith(prefix) || prefix.startsWith(key) : key.startsWith(prefix)),
    );
    for (let at = 0; at < wanted.length; ) {
      const { entry, key } = wanted[at]!;
      if (entry.isDirectory()) {
        yield* this.walk(key, prefix);
        at += 1;
        continue;
      }
      // A run of files: their sizes asked STAT_BATCH at a time, in order (one by one, a folder of
      // 100,000 files took most of a metadata check).
      let end = at;
      while (end < wanted.length && end - at < STAT_BATCH && !wanted[end]!.entry.isDirectory()) end += 1;
      const sizes = await Promise.all(
        wanted.slice(at, end).map(async (file) => (await stat(join(this.folder, file.key))).size),
      );
      for (let i = 0; i < sizes.length; i += 1) yield { key: wanted[at + i]!.key, size: sizes[i]! };
      at = end;
    }
  }

  async *read(key: string): AsyncIterable<Buffer> {
    const file = this.path(key);
    if (!(await isFile(file))) throw noSuchKey(key, this.location);
    for await (const chunk of createReadStream(file)) yield chunk as Buffer;
  }

  async write(key: string, body: Buffer | string): Promise<void> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, body);
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const found = await stat(this.path(key)).catch(() => undefined);
    return found?.isFile() ? { key, size: found.size } : undefined;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async close(): Promise<void> {}

  /** The key's file; a key that would leave the folder is refused. */
  private path(key: string): string {
    const parts = key.split('/');
    if (parts.some((part) => part === '' || part === '.' || part === '..') || key.includes('\0')) {
      throw new Error(`"${key}" is not an object key`);
    }
    return join(this.folder, ...parts);
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
