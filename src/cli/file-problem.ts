// Node's file-system errors in words that name the path: said instead of `ENOTDIR: not a directory, mkdir '…'`.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  scandir: 'list the folder',
  rename: 'rename',
  unlink: 'delete',
  rmdir: 'delete the folder',
  rm: 'delete',
  stat: 'read',
  lstat: 'read',
  copyfile: 'copy',
};

/** Why a file could not be used, in words; the error's own first line for anything else. */
export function describeFileProblem(error: unknown): string {
  if (isSystemError(error) && REASONS[error.code]) return reasonOf(error);
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/** A file-system error as bad input naming its path and the reason; undefined for any other error. */
export function fileProblemError(error: unknown): UsageError | undefined {
  if (!isSystemError(error) || !REASONS[error.code] || !error.path) return undefined;
  const verb = VERBS[error.syscall ?? ''] ?? 'use';
  return new UsageError(`cannot ${verb} ${error.path}: ${reasonOf(error)}`, {
    fix: 'check the path given by the flag or the config (--target, --out, --config, backups.dir, …)',
    cause: error,
  });
}

function reasonOf(error: SystemError): string {
  if (error.code === 'ENOTDIR' && error.path) {
    const file = fileAmongParents(error.path);
    if (file) return `${file} is a file, not a folder`;
  }
  return REASONS[error.code]!;
}

/** The nearest existing parent of `path` (or `path` itself) when it is a file. */
function fileAmongParents(path: string): string | undefined {
  for (let at = path; dirname(at) !== at; at = dirname(at)) {
    if (!existsSync(at)) continue;
    return statSync(at).isFile() ? at : undefined;
  }
  return undefined;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as Partial<SystemError>).code === 'string';
}
