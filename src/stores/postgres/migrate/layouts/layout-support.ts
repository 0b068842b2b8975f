// What the layout readers share: one file's migration, fixed-width versions, up sections, checks.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  checksumOf,
  hasStatements,
  type MigrationFile,
  reportProblems,
  startsWithNoTransaction,
} from '../migration-files.js';

/** The width numeric versions are padded to: a UTC `yyyymmddhhmmss` timestamp, as most tools name files. */
export const VERSION_WIDTH = 14;

/** `digits` as a number left-padded to `width`, so versions sort as strings; undefined when too long. */
export function padVersion(digits: string, width = VERSION_WIDTH): string | undefined {
  const plain = BigInt(digits).toString();
  return plain.length > width ? undefined : plain.padStart(width, '0');
}

/** The names in a folder, sorted; undefined when it does not exist. */
export function listFolder(absolute: string): string[] | undefined {
  try {
    return readdirSync(absolute).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface MigrationParts {
  version: string;
  name: string;
  /** The file's whole text. */
  content: string;
  /** The part that is the migration, when not the whole file: `[start, end)` offsets into `content`. */
  section?: { start: number; end: number };
  /** The tool's own no-transaction switch is set (launchdb's marker on the first line always counts). */
  noTransaction?: boolean;
}

/**
 * A migration from one file. A section keeps every line before it as an empty line, so the
 * Postgres error positions and lint findings still name the file's own lines; its checksum is the
 * section's.
 */
export function migrationFile(root: string, path: string, parts: MigrationParts): MigrationFile {
  const { content, section } = parts;
  const up = section ? content.slice(section.start, section.end) : content;
  const sql = section ? content.slice(0, section.start).replace(/[^\n]/g, '') + up : content;
  return {
    version: parts.version,
    name: parts.name,
    file: relative(root, path),
    path,
    sql,
    checksum: checksumOf(up),
    noTransaction: parts.noTransaction === true || startsWithNoTransaction(content),
  };
}

/**
 * The migrations in version order, after the checks every layout shares: two files with one
 * version, a file with no SQL. Every problem, the readers' own included, is reported at once.
 */
export function finishLayout(found: MigrationFile[], problems: string[], fix: string): MigrationFile[] {
  const byVersion = new Map<string, MigrationFile>();
  for (const migration of [...found].sort(byVersionThenFile)) {
    const twin = byVersion.get(migration.version);
    if (twin) problems.push(`${migration.file}: version ${migration.version} is also ${twin.file}`);
    else if (!hasStatements(migration.sql)) problems.push(`${migration.file}: has no SQL statement`);
    else byVersion.set(migration.version, migration);
  }
  reportProblems(problems, fix);
  return [...byVersion.values()];
}

function byVersionThenFile(a: MigrationFile, b: MigrationFile): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** A path under the project root for messages, e.g. `prisma/migrations/x`. */
export function shown(root: string, ...parts: string[]): string {
  return relative(root, join(...parts));
}

export interface SqlFolderOptions {
  /** The file name pattern; `parse` reads its groups. */
  fileName: RegExp;
  /** What a `.sql` name must look like, for the message when it does not: `<version>_<name>.sql`. */
  expected: string;
  /** The fix printed with the problems. */
  fix: string;
  /** Before the name is matched: `skip` to pass over an entry, or a reason to refuse it. */
  screen?(entry: string): 'skip' | string | undefined;
  /** The migration a matching file holds; undefined when its name has no valid version, a string when it is wrong. */
  parse(match: RegExpExecArray, content: string): Omit<MigrationParts, 'content'> | string | undefined;
}

/** A flat folder of `.sql` files, one migration each (Supabase, dbmate, node-pg-migrate). */
export function readSqlFolder(root: string, dir: string, options: SqlFolderOptions): MigrationFile[] {
  const absolute = join(root, dir);
  const entries = listFolder(absolute);
  if (!entries) return [];
  const problems: string[] = [];
  const found: MigrationFile[] = [];
  for (const entry of entries) {
    const path = join(absolute, entry);
    const screened = options.screen?.(entry);
    if (screened === 'skip') continue;
    if (screened !== undefined) {
      problems.push(`${shown(root, path)}: ${screened}`);
      continue;
    }
    if (!entry.endsWith('.sql')) continue;
    const match = options.fileName.exec(entry);
    const content = match ? readFileSync(path, 'utf8') : '';
    const parts = match ? options.parse(match, content) : undefined;
    if (parts === undefined) problems.push(`${shown(root, path)}: expected ${options.expected}`);
    else if (typeof parts === 'string') problems.push(`${shown(root, path)}: ${parts}`);
    else found.push(migrationFile(root, path, { ...parts, content }));
  }
  return finishLayout(found, problems, options.fix);
}
