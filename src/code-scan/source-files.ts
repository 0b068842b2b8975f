// Which files the code scan reads: the app's own TypeScript and JavaScript under the given folders.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Installed packages, build output and coverage reports: nobody's source. Dot-folders too. */
export const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', '.next', 'coverage']);

const DECLARATION = /\.d\.[cm]?ts$/;

export function isSourceFile(name: string): boolean {
  return SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension)) && !DECLARATION.test(name);
}

/**
 * The source files under each path (a path may also name one file), absolute, sorted, each once.
 * Folders are walked without following symbolic links, so a link loop cannot trap the walk.
 */
export function findSourceFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    if (statSync(path).isFile()) {
      if (isSourceFile(path)) found.add(path);
    } else walk(path, found);
  }
  return [...found].sort();
}

function walk(folder: string, found: Set<string>): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) walk(path, found);
    } else if (entry.isFile() && isSourceFile(entry.name)) {
      found.add(path);
    }
  }
}

/** Folders named relative to `root`, resolved; those that do not exist are returned apart. */
export function resolveFolders(
  root: string,
  folders: readonly string[],
): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const folder of folders) {
    const path = resolve(root, folder);
    if (existsSync(path)) paths.push(path);
    else missing.push(folder);
  }
  return { paths, missing };
}
