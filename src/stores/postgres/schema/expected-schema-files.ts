// The local copy of cached expected schemas: `.launchdb/cache/drift/<key>.json`, read before asking
// the database, and written by every drift run (the folder is the project's, whoever connects).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExpectedSchemaEntry, parseEntry } from './expected-schema-entry.js';
import { completeSnapshot } from './snapshot.js';

/** Files kept: the newest few, as in the database. */
const KEEP = 5;

export function expectedSchemaDir(stateDir: string): string {
  return join(stateDir, 'cache', 'drift');
}

/** The verified entry for `key` in `dir`, or undefined: none, or damaged (then removed). */
export function readExpectedSchemaFile(dir: string, key: string): ExpectedSchemaEntry | undefined {
  const path = join(dir, `${key}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const entry = parseEntry(text, key);
  if (!entry) {
    rmSync(path, { force: true });
    return undefined;
  }
  return { ...entry, snapshot: completeSnapshot(entry.snapshot) };
}

/**
 * Writes `entry` under a private name and renames it into place, so a reader (another drift at the
 * same time) never sees half of it; keeps the newest files. Says whether it did; never throws.
 */
export function writeExpectedSchemaFile(dir: string, entry: ExpectedSchemaEntry): boolean {
  const path = join(dir, `${entry.key}.json`);
  const draft = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(draft, JSON.stringify(entry));
    renameSync(draft, path);
    prune(dir);
    return true;
  } catch {
    rmSync(draft, { force: true });
    return false;
  }
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const stale of files.slice(KEEP)) rmSync(stale.path, { force: true });
}
