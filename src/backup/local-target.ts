// The local backup target: one folder per environment, one folder per backup, written under a
// temporary name and renamed last, so a backup that did not finish is never listed as complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { measure } from './data-codec.js';

/** Where backups are kept. Local folders now; object storage implements the same interface. */
/** A file as stored: where, how many bytes, and the SHA-256 of those bytes. */
export interface StoredFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupTarget {
  /** Printable: `.launchdb/backups/production`. */
  readonly location: string;
  /** Starts writing backup `id`; nothing is listed until `commit`. */
  begin(id: string): Promise<BackupWriter>;
  /** Ids of complete backups, oldest first. */
  list(): Promise<string[]>;
  read(id: string, path: string): AsyncIterable<Buffer>;
  readText(id: string, path: string): Promise<string>;
  /** Removes backups that a process which is gone left unfinished; returns their ids. */
  cleanLeftovers(): Promise<string[]>;
  remove(id: string): Promise<void>;
  /** A note beside a complete backup that is not part of it (the last verification), or undefined. */
  readNote(id: string, name: string): Promise<string | undefined>;
  writeNote(id: string, name: string, text: string): Promise<void>;
  removeNote(id: string, name: string): Promise<void>;
}

export interface BackupWriter {
  /** Writes a file of the backup and returns what it stored. */
  write(path: string, chunks: AsyncIterable<Buffer>): Promise<StoredFile>;
  writeText(path: string, text: string): Promise<void>;
  /** Makes the backup complete and listed. */
  commit(): Promise<void>;
  /** Throws the unfinished backup away. */
  abort(): Promise<void>;
}

const PARTIAL = /^\.(.+)\.partial$/;
const OWNER_FILE = 'owner.json';

export class LocalTarget implements BackupTarget {
  constructor(
    readonly dir: string,
    readonly location: string,
  ) {}

  async begin(id: string): Promise<BackupWriter> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const partial = join(this.dir, `.${id}.partial`);
    await mkdir(partial, { mode: 0o700 });
    await writeFile(join(partial, OWNER_FILE), JSON.stringify({ pid: process.pid, host: hostname() }));
    const final = join(this.dir, id);
    return {
      write: async (path, chunks) => ({ path, ...(await writeCounted(join(partial, path), chunks)) }),
      writeText: async (path, text) => {
        await writeFile(join(partial, path), text, { mode: 0o600 });
      },
      commit: async () => {
        await rm(join(partial, OWNER_FILE));
        await rename(partial, final);
      },
      abort: () => rm(partial, { recursive: true, force: true }),
    };
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const ids: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (await exists(join(this.dir, entry.name, 'manifest.json'))) ids.push(entry.name);
    }
    return ids.sort();
  }

  async *read(id: string, path: string): AsyncIterable<Buffer> {
    yield* createReadStream(join(this.dir, id, path), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  }

  readText(id: string, path: string): Promise<string> {
    return readFile(join(this.dir, id, path), 'utf8');
  }

  async cleanLeftovers(): Promise<string[]> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    const cleaned: string[] = [];
    for (const name of entries) {
      const id = PARTIAL.exec(name)?.[1];
      if (!id) continue;
      const owner = await readFile(join(this.dir, name, OWNER_FILE), 'utf8')
        .then((text) => JSON.parse(text) as { pid: number; host: string })
        .catch(() => undefined);
      if (ownerAlive(owner)) continue;
      await rm(join(this.dir, name), { recursive: true, force: true });
      cleaned.push(id);
    }
    return cleaned;
  }

  remove(id: string): Promise<void> {
    return rm(join(this.dir, id), { recursive: true, force: true });
  }

  readNote(id: string, name: string): Promise<string | undefined> {
    return readFile(join(this.dir, id, name), 'utf8').catch(() => undefined);
  }

  async writeNote(id: string, name: string, text: string): Promise<void> {
    await writeFile(join(this.dir, id, name), text, { mode: 0o600 });
  }

  removeNote(id: string, name: string): Promise<void> {
    return rm(join(this.dir, id, name), { force: true });
  }
}

/** Writes `chunks` to `file` (mode 0600, folders made), counting bytes and hashing them on the way. */
async function writeCounted(file: string, chunks: AsyncIterable<Buffer>): Promise<Omit<StoredFile, 'path'>> {
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  const stored = measure(chunks, { lines: false });
  await pipeline(Readable.from(stored.chunks), createWriteStream(file, { mode: 0o600 }));
  const { bytes, sha256 } = stored.result();
  return { bytes, sha256 };
}

/** True when a process noted as `{ pid, host }` is still running (on this host). */
export function ownerAlive(owner: { pid: number; host: string } | undefined): boolean {
  return owner !== undefined && owner.host === hostname() && alive(owner.pid);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
