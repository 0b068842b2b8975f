// Serves an embedded database over the Postgres wire protocol, so psql and any driver can reach it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { UsageError } from '../../core/errors.js';
import { type LockHolder, lockHolder } from '../../core/file-lock.js';
import { EmbeddedDatabase, openEmbedded } from './embedded.js';

export const DEFAULT_SERVE_PORT = 5433;

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default 5433. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1: the embedded database checks no password, so never a network. */
  host?: string;
  /** Project root, to show the data folder relative to it. */
  root?: string;
  /** Clients served at once, multiplexed over PGlite's single session. Default 16. */
  maxConnections?: number;
  /** How long to wait for another launchdb process to let go of the database. Default 10000 ms. */
  lockWaitMs?: number;
  /** What this process is, for others that find the database taken. Default `serve`. */
  command?: string;
}

export interface ServedDatabase {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres`: no password, the embedded database has none. */
  url: string;
  host: string;
  /** The port listened on: the one asked for, or the one picked for port 0. */
  port: number;
  /** The data folder, as shown in output. */
  location: string;
  /** Stops listening, closes the database and lets go of its lock; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Opens the embedded database in `dataDir` (taking its lock) and listens on `host:port`. Once
 * listening, the lock records the port, so other launchdb processes connect through it instead of
 * waiting. A port in use is bad input naming it.
 */
export async function serveEmbedded(dataDir: string, options: ServeOptions = {}): Promise<ServedDatabase> {
  const host = options.host ?? '127.0.0.1';
  const requested = options.port ?? DEFAULT_SERVE_PORT;
  const lockPath = `${dataDir}.lock`;
  const command = options.command ?? 'serve';
  const db = await openEmbedded(dataDir, {
    command,
    ...(options.root ? { root: options.root } : {}),
    ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
  });
  if (!(db instanceof EmbeddedDatabase)) {
    // openEmbedded went through the port of a `serve` already running: its clients are welcome there.
    const holder = lockHolder(lockPath);
    await db.close();
    const port = holder?.port;
    throw new UsageError(
      `${db.location.replace(/ \(served on .*\)$/, '')} is already served on ${host}:${port ?? '?'} by another launchdb process (pid ${holder?.pid ?? '?'})`,
      {
        fix: `connect to postgresql://postgres@127.0.0.1:${port ?? '?'}/postgres, or stop that process first`,
      },
    );
  }

  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const server = new PGLiteSocketServer({
    db: db.pglite,
    host,
    port: requested,
    maxConnections: options.maxConnections ?? 16,
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    await db.close();
    throw listenError(error, host, requested);
  }
  const port = listeningPort(server);
  const since = lockHolder(lockPath)?.since ?? new Date().toISOString();
  rewriteLock(lockPath, { pid: process.pid, command, port, since });

  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    host,
    port,
    location: db.location,
    stop: () => {
      stopping ??= (async () => {
        // Unadvertise the port first: a process arriving now waits for the lock instead of
        // connecting to a port that is about to close.
        rewriteLock(lockPath, { pid: process.pid, command, since });
        await server.stop();
        await db.close();
      })();
      return stopping;
    },
  };
}

function listeningPort(server: PGLiteSocketServer): number {
  const port = Number(server.getServerConn().split(':').pop());
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`unexpected listening address ${server.getServerConn()}`);
  return port;
}

/** Replaces the holder record in one step (rename), so a reader never sees half of it. */
function rewriteLock(lockPath: string, holder: LockHolder): void {
  const draft = `${lockPath}.${process.pid}.serve.tmp`;
  try {
    writeFileSync(draft, JSON.stringify(holder), { mode: 0o600 });
    renameSync(draft, lockPath);
  } finally {
    rmSync(draft, { force: true });
  }
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new UsageError(`port ${port} on ${host} is already in use`, {
      cause: error,
      fix: 'pick another with --port N, or --port 0 for a free one',
    });
  }
  if (code === 'EACCES') {
    return new UsageError(`not allowed to listen on port ${port} on ${host}`, {
      cause: error,
      fix: 'use a port above 1023 with --port N, or --port 0 for a free one',
    });
  }
  return error;
}
