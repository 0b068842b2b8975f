// An embedded database that other launchdb processes can reach while a long-lived one (the console)
// keeps it open: a child process holds it and serves it on a free loopback port, recorded in its
// lock file, and every user — this process too — connects through that port, every session queued
// fairly by the server (one going straight to PGlite could land inside another's open transaction).
// PGlite's work and the wire protocol run in the child, never on this process's event loop.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.js';
import { EMBEDDED_CAPABILITIES, type PostgresDatabase } from './database.js';
import { openServer } from './server.js';

const CHILD_ENTRY = fileURLToPath(new URL('./shared-embedded-child.js', import.meta.url));

export interface SharedOptions {
  /** Project root, to show the data folder relative to it. */
  root: string;
  /** What this process is, for others that find the database taken. */
  command?: string;
  /** How long to wait for another launchdb process to let go of the database. Default 10000 ms. */
  lockWaitMs?: number;
  /** Connections of this process. Default 2. */
  max?: number;
}

export async function openShared(dataDir: string, options: SharedOptions): Promise<PostgresDatabase> {
  const child = spawn(
    process.execPath,
    [CHILD_ENTRY, dataDir, options.root, options.command ?? 'launchdb', String(options.lockWaitMs ?? 10_000)],
    // stdin: the pipe whose end stops the child; stderr: its own errors, as this process's.
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.on('error', () => {});
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  const first = await new Promise<{ port?: number; location?: string; error?: string; fix?: string }>(
    (resolve) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', (code) => resolve({ error: `the process serving ${dataDir} exited (${code})` }));
    },
  );
  if (first.error !== undefined || first.port === undefined) {
    await stop();
    throw new UsageError(first.error ?? `the process serving ${dataDir} gave no port`, {
      ...(first.fix ? { fix: first.fix } : {}),
    });
  }
  try {
    const db = await openServer(`postgresql://postgres@127.0.0.1:${first.port}/postgres`, {
      max: options.max ?? 2,
      location: `${first.location} (served on 127.0.0.1:${first.port})`,
    });
    const closePool = db.close.bind(db);
    return Object.assign(db, {
      backing: 'embedded' as const,
      capabilities: EMBEDDED_CAPABILITIES,
      close: async () => {
        await closePool();
        await stop();
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
}
