// Where `pool pgbouncer` writes its two files, and writing them so that only their owner may read them.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../../../core/project.js';

export interface PgBouncerFiles {
  dir: string;
  ini: string;
  userlist: string;
}

/** `.launchdb/pgbouncer/<env>/`, beside the environment's other local state. */
export function defaultPgBouncerDir(env: Environment): string {
  return join(env.stateDir, 'pgbouncer', env.name);
}

export function pgbouncerFiles(dir: string): PgBouncerFiles {
  return { dir, ini: join(dir, 'pgbouncer.ini'), userlist: join(dir, 'userlist.txt') };
}

/**
 * Writes both files with mode 0600 (userlist.txt holds a verifier or a password; the ini names it),
 * each to a temporary name first, so a failure leaves the previous pair, never half of a new one.
 */
export function writePgBouncerFiles(files: PgBouncerFiles, text: { ini: string; userlist: string }): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const pending = [
    { path: files.userlist, text: text.userlist },
    { path: files.ini, text: text.ini },
  ].map((file) => ({ ...file, temporary: `${file.path}.${process.pid}.tmp` }));
  try {
    for (const file of pending) {
      writeFileSync(file.temporary, file.text, { mode: 0o600 });
      chmodSync(file.temporary, 0o600);
    }
    for (const file of pending) renameSync(file.temporary, file.path);
  } finally {
    for (const file of pending) rmSync(file.temporary, { force: true });
  }
}
