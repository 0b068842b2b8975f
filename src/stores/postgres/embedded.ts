// The embedded backing: a real Postgres (PGlite) in this process, its data under `.launchdb/<env>/`.
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { UsageError } from '../../core/errors.js';
import { acquireLock, isLock, type Lock } from '../../core/file-lock.js';
import { type Connection, EMBEDDED_CAPABILITIES, type PostgresDatabase } from './database.js';
import { currentHold } from './embedded-hold.js';
import { createMemoryPGlite, createPGlite } from './embedded-template.js';
import { openServer } from './server.js';

export interface EmbeddedOptions {
  /** Shown in output instead of the absolute path. */
  root?: string;
  /** What this process is doing, for the message another process waiting on the lock prints. */
  command?: string;
  /** How long to wait for another launchdb process to let go of the database. Default 10000 ms. */
  lockWaitMs?: number;
}

/**
 * Opens the embedded database in `dataDir`, creating it on first use. Only one process may hold it;
 * when `launchdb serve` holds it, this connects through the served port instead.
 */
export async function openEmbedded(
  dataDir: string,
  options: EmbeddedOptions = {},
): Promise<PostgresDatabase> {
  const location = options.root ? relative(options.root, dataDir) || '.' : dataDir;
  // Within an action that holds this database (see embedded-hold.ts), the instance already open.
  const hold = currentHold();
  const held = hold?.reuse(dataDir);
  if (held) return held;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(
    `${dataDir}.lock`,
    { command: options.command ?? 'launchdb' },
    options.lockWaitMs ?? 10_000,
  );
  if (!isLock(lock)) {
    if (lock.port !== undefined) {
      const served = await openServer(`postgresql://postgres@127.0.0.1:${lock.port}/postgres`, {
        max: 1,
        location: `${location} (served on 127.0.0.1:${lock.port})`,
      });
      return Object.assign(served, { backing: 'embedded' as const, capabilities: EMBEDDED_CAPABILITIES });
    }
    throw new UsageError(
      `embedded database ${location} is in use by another launchdb process (pid ${lock.pid}, ${lock.command}, since ${lock.since})`,
      { fix: 'wait for it to finish or stop it; to share it, run `launchdb serve` and connect to its port' },
    );
  }
  try {
    const db = new EmbeddedDatabase(await createPGlite(dataDir), lock, location);
    return hold ? hold.keep(dataDir, db) : db;
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Opens a new embedded database in memory, gone when closed: for throwaway work such as the drift
 * shadow. Nothing is on disk and no other process can reach it, so it takes no lock file.
 */
export async function openInMemory(location = 'in memory'): Promise<EmbeddedDatabase> {
  return new EmbeddedDatabase(await createMemoryPGlite(), NO_LOCK, location);
}

const NO_LOCK: Lock = { release() {} };

type PGliteSession = Pick<PGlite, 'exec' | 'query'>;

/** Without parameters, the simple protocol, so a text may hold several statements (as with pg). */
async function run<Row>(session: PGliteSession, text: string, params?: readonly unknown[]) {
  if (!params || params.length === 0) {
    const results = await session.exec(text);
    return { rows: (results.at(-1)?.rows ?? []) as Row[] };
  }
  return { rows: (await session.query<Row>(text, params as unknown[])).rows };
}

/**
 * PGlite's COPY goes through a virtual `/dev/blob` file rather than the wire protocol: a table comes
 * out, or goes in, as one blob. Embedded databases are small enough for that.
 */
function sessionConnection(session: PGliteSession): Connection {
  return {
    query: (text, params) => run(session, text, params),
    copyOut: (statement) => blobChunks(session, statement.replace(/\bto\s+stdout\b/i, "TO '/dev/blob'")),
    copyIn: async (statement, data) => {
      const copy = statement.replace(/\bfrom\s+stdin\b/i, "FROM '/dev/blob'");
      // In pieces of whole lines: one blob of a large table slows PGlite down far more than linearly.
      let rows = 0;
      for await (const piece of wholeLines(data, COPY_PIECE_BYTES)) {
        rows += (await session.query(copy, [], { blob: new Blob([piece]) })).affectedRows ?? 0;
      }
      return rows;
    },
  };
}

const COPY_PIECE_BYTES = 8 * 1024 * 1024;

/** `data` regrouped into pieces of about `size` bytes that end at a line end (the last one as it ends). */
async function* wholeLines(data: AsyncIterable<Buffer>, size: number): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of data) {
    parts.push(chunk);
    length += chunk.length;
    if (length < size) continue;
    const joined = Buffer.concat(parts, length);
    const cut = joined.lastIndexOf(10) + 1;
    if (cut === 0) {
      parts = [joined];
      continue;
    }
    yield joined.subarray(0, cut);
    parts = [joined.subarray(cut)];
    length = joined.length - cut;
  }
  if (length > 0) yield Buffer.concat(parts, length);
}

async function* blobChunks(session: PGliteSession, statement: string): AsyncIterable<Buffer> {
  const result = await session.query(statement);
  if (result.blob) yield Buffer.from(await result.blob.arrayBuffer());
}

/** Opened in this process (not through a served port); `serve` needs its PGlite to put it on the wire. */
export class EmbeddedDatabase implements PostgresDatabase {
  readonly backing = 'embedded' as const;
  readonly capabilities = EMBEDDED_CAPABILITIES;

  constructor(
    readonly pglite: PGlite,
    private readonly lock: Lock,
    readonly location: string,
  ) {}

  query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }> {
    return run<Row>(this.pglite, text, params);
  }

  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return fn(sessionConnection(this.pglite));
  }

  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.pglite.transaction((tx) => fn(sessionConnection(tx)));
  }

  async close(): Promise<void> {
    try {
      await this.pglite.close();
    } finally {
      this.lock.release();
    }
  }
}
