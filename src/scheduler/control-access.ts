// How the scheduler reaches its control database for each step (claim, heartbeat, finish). A server:
// one small pool kept open. Embedded: held for the scheduler's life by a child process that serves it
// on a loopback port (shared-embedded.ts), so the jobs it starts, `launchdb history` and `scheduler
// status` reach it meanwhile, and no step pays for opening PGlite; one scheduler per embedded control
// database, since its lock is the scheduler's.
import { join } from 'node:path';
import { resolveControlTarget } from '../control/control-target.js';
import { type OpenControlOptions, openControlDatabase } from '../control/open-control.js';
import { ingestPendingCheckRuns, pendingCheckRunFiles } from '../control/pending-check-runs.js';
import { UsageError } from '../core/errors.js';
import { acquireLock, isLock, type Lock } from '../core/file-lock.js';
import type { Project } from '../core/project.js';
import type { Backing, PostgresDatabase } from '../stores/postgres/database.js';

export interface ControlAccess {
  backing: Backing;
  /** Where it is, safe to print. */
  location: string;
  /** Runs one step on the control database. */
  use<T>(step: (db: PostgresDatabase) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The lock one scheduler holds on the embedded control database: `.launchdb/control/scheduler.lock`. */
const schedulerLockPath = (project: Project) => join(project.stateDir, 'control', 'scheduler.lock');

/**
 * Opens the control database for a scheduler (migrated, reachable: exit 3 naming the host and port
 * otherwise). On an embedded one, a second scheduler is bad input naming the first.
 */
export async function openControlAccess(
  project: Project,
  options: OpenControlOptions = {},
): Promise<ControlAccess> {
  const opening = { command: 'scheduler run', ...options };
  const target = resolveControlTarget(project, opening);
  if (target.backing === 'server') {
    const control = await openControlDatabase(project, { max: 4, ...opening });
    // Runs `check` left pending when it could not reach the server.
    await ingestPendingCheckRuns(project, control.db);
    return {
      backing: 'server',
      location: control.location,
      use: (step) => step(control.db),
      close: () => control.close(),
    };
  }
  const lock = await schedulerLock(project, target.location);
  try {
    // Created and migrated, or its problem reported, before the scheduler starts.
    const control = await openControlDatabase(project, { ...opening, share: true });
    await ingestPendingCheckRuns(project, control.db);
    return {
      backing: 'embedded',
      location: control.location,
      async use(step) {
        // Runs `check` left pending: it does not wait for a database another process holds.
        if (pendingCheckRunFiles(project).length > 0) await ingestPendingCheckRuns(project, control.db);
        return step(control.db);
      },
      close: async () => {
        await control.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function schedulerLock(project: Project, location: string): Promise<Lock> {
  const lock = await acquireLock(schedulerLockPath(project), { command: 'scheduler run' }, 0);
  if (isLock(lock)) return lock;
  throw new UsageError(
    `another scheduler (pid ${lock.pid}, since ${lock.since}) runs on the embedded control database ${location}; one embedded control database serves one scheduler process`,
    {
      fix: 'stop that one, or for several schedulers (on several machines) give each the same control.url, a Postgres server: see docs/SCHEDULER.md',
    },
  );
}
