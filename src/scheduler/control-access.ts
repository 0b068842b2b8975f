// How the scheduler reaches its control database for each step (claim, heartbeat, finish). A server:
// one small pool kept open. Embedded: opened, used and closed again per step (steps queued meanwhile
// share one opening), so `launchdb history` and `scheduler status` can open it between steps; and
// one scheduler per embedded control database, since another process cannot share it.
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
    // Opened once now: created and migrated, or its problem reported before the scheduler starts.
    const first = await openControlDatabase(project, opening);
    await ingestPendingCheckRuns(project, first.db).finally(() => first.close());
    return embeddedAccess(project, opening, lock, first.location);
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

function embeddedAccess(
  project: Project,
  options: OpenControlOptions,
  lock: Lock,
  location: string,
): ControlAccess {
  type Queued = { step: (db: PostgresDatabase) => Promise<unknown>; settle(result: Promise<unknown>): void };
  const queue: Queued[] = [];
  let draining: Promise<void> | undefined;

  const kick = () => {
    if (draining || queue.length === 0) return;
    draining = drain().finally(() => {
      draining = undefined;
      kick(); // a step queued while the last opening was closing
    });
  };
  const drain = async () => {
    while (queue.length > 0) {
      let control: Awaited<ReturnType<typeof openControlDatabase>>;
      try {
        control = await openControlDatabase(project, options);
      } catch (error) {
        for (const queued of queue.splice(0)) queued.settle(Promise.reject(error));
        return;
      }
      try {
        if (pendingCheckRunFiles(project).length > 0) await ingestPendingCheckRuns(project, control.db);
        while (queue.length > 0) {
          const queued = queue.shift()!;
          const result = queued.step(control.db);
          queued.settle(result);
          await result.catch(() => {});
        }
      } finally {
        await control.close().catch(() => {});
      }
    }
  };

  return {
    backing: 'embedded',
    location,
    use<T>(step: (db: PostgresDatabase) => Promise<T>): Promise<T> {
      const result = new Promise<T>((resolve, reject) => {
        queue.push({
          step,
          settle: (outcome) => (outcome as Promise<T>).then(resolve, reject),
        });
      });
      kick();
      return result;
    },
    close: async () => {
      await draining;
      lock.release();
    },
  };
}
