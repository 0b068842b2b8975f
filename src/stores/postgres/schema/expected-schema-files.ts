// The local copy of cached expected schemas: `.launchdb/cache/drift/<key>.jsonl`, read before asking
// the database, and written by every drift run (the folder is the project's, whoever connects).
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { decodeEntry, type ExpectedSchemaEntry, encodeEntry } from './expected-schema-entry.js';

/** Files kept: the newest few, as in the database. */
const KEEP = 5;

export function expectedSchemaDir(stateDir: string): string {
  return join(stateDir, 'cache', 'drift');
}

/** Where the entry for `key` is kept: a line of JSON about it, then its snapshot. */
export function expectedSchemaFile(dir: string, key: string): string {
  return join(dir, `${key}.jsonl`);
}

/** The verified entry for `key` in `dir`, or undefined: none, or damaged (then removed). */
export function readExpectedSchemaFile(dir: string, key: string): ExpectedSchemaEntry | undefined {
  const path = expectedSchemaFile(dir, key);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const entry = decodeEntry(text, key);
  if (!entry) {
    rmSync(path, { force: true });
    return undefined;
  }
  try {
    // Used now: the newest files are those kept.
    utimesSync(path, new Date(), new Date());
  } catch {
    // A read-only copy is still a good one.
  }
  return entry;
}

/**
 * Writes `entry` under a private name and renames it into place, so a reader (another drift at the
 * same time) never sees half of it; keeps the newest files. Says whether it did; never throws.
 */
export function writeExpectedSchemaFile(dir: string, entry: ExpectedSchemaEntry): boolean {
  const path = expectedSchemaFile(dir, entry.key);
  const draft = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(draft, encodeEntry(entry));
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
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const stale of files.slice(KEEP)) rmSync(stale.path, { force: true });
}
