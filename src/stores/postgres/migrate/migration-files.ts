// Migration files in launchdb's own layout, `<yyyymmddhhmmss>_<name>.sql`, and what every layout's
// reader returns: versioned, checksummed migrations, validated together.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../../../core/errors.js';

export const NO_TRANSACTION = '-- launchdb:no-transaction';
const FILE_NAME = /^(\d{14})_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;

export interface MigrationFile {
  /**
   * Orders the migrations as strings: 14 digits, UTC `yyyymmddhhmmss`, in launchdb's layout; each
   * other layout derives a fixed-width version from its own names (see `layouts/`).
   */
  version: string;
  name: string;
  /** Path relative to the project root, for messages: `db/migrations/20260101000000_init.sql`. */
  file: string;
  path: string;
  /**
   * What runs: the whole file, or only its up section (dbmate, node-pg-migrate), where every line
   * before the section is left blank so that positions still map to the file's own lines.
   */
  sql: string;
  /** SHA-256 of the migration's SQL (the file, or its up section) with line endings normalised to `\n`, hex. */
  checksum: string;
  /** The first line is `-- launchdb:no-transaction` (or the tool's own switch): statements run one by one, outside a transaction. */
  noTransaction: boolean;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n?/g, '\n')).digest('hex');
}

/**
 * Every migration in `dir`, in version order. Bad files are reported together, so one run names
 * every problem: a `.sql` name off the layout, two files with one version, a file with no SQL.
 */
export function readMigrationFiles(root: string, dir: string): MigrationFile[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  const problems: string[] = [];
  const byVersion = new Map<string, MigrationFile>();
  for (const entry of readdirSync(absolute).sort()) {
    if (!entry.endsWith('.sql')) continue; // .gitkeep, README.md and the like
    const file = relative(root, join(absolute, entry));
    const match = FILE_NAME.exec(entry);
    if (!match) {
      problems.push(`${file}: expected <yyyymmddhhmmss>_<name>.sql`);
      continue;
    }
    const path = join(absolute, entry);
    const sql = readFileSync(path, 'utf8');
    const migration: MigrationFile = {
      version: match[1]!,
      name: match[2]!,
      file,
      path,
      sql,
      checksum: checksumOf(sql),
      noTransaction: startsWithNoTransaction(sql),
    };
    const twin = byVersion.get(migration.version);
    if (twin) problems.push(`${file}: version ${migration.version} is also ${twin.file}`);
    else if (!hasStatements(sql)) problems.push(`${file}: has no SQL statement`);
    else byVersion.set(migration.version, migration);
  }
  reportProblems(
    problems,
    'name files `launchdb migrate new NAME` would, one version each, each with SQL in it',
  );
  return [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version));
}

/** Every bad file in one error, so one run names every problem. */
export function reportProblems(problems: readonly string[], fix: string): void {
  if (problems.length === 0) return;
  throw new UsageError(
    problems.length === 1
      ? problems[0]!
      : `${problems.length} bad migration files:\n  ${problems.join('\n  ')}`,
    { fix },
  );
}

/** The file's first line is launchdb's no-transaction marker. */
export function startsWithNoTransaction(sql: string): boolean {
  return (
    sql
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/, 1)[0]!
      .trim() === NO_TRANSACTION
  );
}

/** Anything left once comments and whitespace are removed. */
export function hasStatements(sql: string): boolean {
  return (
    sql
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/[\s;]+/g, '') !== ''
  );
}

/** A UTC `yyyymmddhhmmss` version for a new migration, later than every existing one. */
export function nextVersion(existing: readonly MigrationFile[], now = new Date()): string {
  let version = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const newest = existing.at(-1)?.version;
  if (newest && version <= newest) version = (BigInt(newest) + 1n).toString().padStart(14, '0');
  return version;
}
