// A lock file naming its holder, so two processes never open one embedded database at once.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockHolder {
  pid: number;
  /** What holds it, for the message the waiting process prints: `serve`, `check`… */
  command: string;
  /** Set by `serve`: others reach the database through this port instead of waiting. */
  port?: number;
  since: string;
}

export interface Lock {
  release(): void;
}

/** The live holder of a lock file, or undefined when it is free or its holder died. */
export function lockHolder(path: string): LockHolder | undefined {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
  return isAlive(holder.pid) ? holder : undefined;
}

/**
 * Takes the lock, waiting up to `waitMs` while a live process holds it; a stale lock left by a dead
 * process is taken over. Gives up by returning the holder.
 */
export async function acquireLock(
  path: string,
  holder: Omit<LockHolder, 'pid' | 'since'>,
  waitMs: number,
): Promise<Lock | LockHolder> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  const record: LockHolder = { pid: process.pid, since: new Date().toISOString(), ...holder };
  // Written whole under a private name, then linked into place: link fails atomically when the lock
  // exists, and a reader never sees a half-written holder.
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, JSON.stringify(record), { mode: 0o600 });
  try {
    for (;;) {
      try {
        linkSync(draft, path);
        return { release: () => rmSync(path, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = lockHolder(path);
      if (!current) {
        rmSync(path, { force: true }); // its holder died without releasing it
        continue;
      }
      if (current.port !== undefined || Date.now() >= deadline) return current;
      await sleep(100);
    }
  } finally {
    rmSync(draft, { force: true });
  }
}

export function isLock(value: Lock | LockHolder): value is Lock {
  return 'release' in value;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
