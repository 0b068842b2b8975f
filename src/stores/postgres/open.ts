// Opens an environment's Postgres on whichever backing its target names.
import type { PostgresDatabase } from './database.js';
import { openEmbedded } from './embedded.js';
import { openServer } from './server.js';
import type { PostgresTarget } from './target.js';

export interface OpenOptions {
  /** Which credentials on a server: the app's (default) or the owner's, for changes. */
  as?: 'app' | 'migration';
  connectTimeoutMs?: number;
  /** Project root, to show embedded paths relative to it. */
  root?: string;
  /** This process's command, named to any other process that finds the embedded database busy. */
  command?: string;
  max?: number;
}

export function openPostgres(target: PostgresTarget, options: OpenOptions = {}): Promise<PostgresDatabase> {
  if (target.backing === 'embedded') {
    return openEmbedded(target.dataDir, {
      ...(options.root ? { root: options.root } : {}),
      ...(options.command ? { command: options.command } : {}),
    });
  }
  const url = options.as === 'migration' ? target.migrationUrl : target.url;
  return openServer(url, {
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.max ? { max: options.max } : {}),
  });
}
