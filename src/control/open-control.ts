// Opens the project's control database, embedded or on a server, migrated before it is returned.
import { UnreachableError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import type { Backing, PostgresDatabase } from '../stores/postgres/database.js';
import { openEmbedded } from '../stores/postgres/embedded.js';
import { openServer } from '../stores/postgres/server.js';
import { openShared } from '../stores/postgres/shared-embedded.js';
import { type ControlTarget, type ControlTargetOptions, resolveControlTarget } from './control-target.js';
import { migrateControl } from './migrate-control.js';

/** The project's own state: verdict history, scheduled runs, witnessed audit heads. */
export interface ControlDatabase {
  /** Every table is in schema `launchdb_control` and has a `project` column: one server may serve several projects. */
  db: PostgresDatabase;
  backing: Backing;
  /** Where it is, safe to print: `.launchdb/control/postgres` or `host:port/database`. */
  location: string;
  close(): Promise<void>;
}

export interface OpenControlOptions extends ControlTargetOptions {
  /** Give up connecting to a server after this many ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Connections to a server. Default 2: the control database sees a few small writes. */
  max?: number;
  /** This process's command, named to another process that finds the embedded database busy. */
  command?: string;
  /** How long to wait for another process to let go of the embedded database. Default 10000 ms. */
  lockWaitMs?: number;
  /**
   * Embedded, serve it on a loopback port while open, so the commands this process starts (the
   * console's actions: a `check` reads the scheduler's runs) reach it instead of waiting on its lock.
   */
  share?: boolean;
}

/**
 * The control database of `project` (flag, `control.url`, `LAUNCHDB_CONTROL_URL`, else embedded
 * under `.launchdb/control/`), created on first use and migrated to this launchdb's schema. A
 * server that cannot be reached is exit 3; a schema newer than this launchdb knows is exit 2.
 */
export async function openControlDatabase(
  project: Project,
  options: OpenControlOptions = {},
): Promise<ControlDatabase> {
  const target = resolveControlTarget(project, options);
  const db = await openTarget(target, project, options);
  try {
    await migrateControl(db, { location: db.location });
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return { db, backing: target.backing, location: db.location, close: () => db.close() };
}

async function openTarget(
  target: ControlTarget,
  project: Project,
  options: OpenControlOptions,
): Promise<PostgresDatabase> {
  if (target.backing === 'embedded') {
    const embedded = {
      root: project.root,
      ...(options.command ? { command: options.command } : {}),
      ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
    };
    return options.share ? openShared(target.dataDir, embedded) : openEmbedded(target.dataDir, embedded);
  }
  try {
    return await openServer(target.url, {
      max: options.max ?? 2,
      applicationName: 'launchdb control',
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    throw new UnreachableError(`control database (${target.source}): ${error.message}`, {
      cause: error,
      fix: `check the host, port, credentials and network of ${target.source}`,
    });
  }
}
