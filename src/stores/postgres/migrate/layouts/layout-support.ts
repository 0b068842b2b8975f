// What the layout readers share: fixed-width versions, a flat folder of files, the checks on all.
import { ProjectFolder } from '../../../../core/project-file.js';
import {
  type MigrationFile,
  type MigrationParts,
  migrationFromFile,
  reportProblems,
} from '../migration-files.js';
import type { LayoutReading } from './layout.js';

/** The width numeric versions are padded to: a UTC `yyyymmddhhmmss` timestamp, as most tools name files. */
export const VERSION_WIDTH = 14;

/** `digits` as a number left-padded to `width`, so versions sort as strings; undefined when too long. */
export function padVersion(digits: string, width = VERSION_WIDTH): string | undefined {
  const plain = BigInt(digits).toString();
  return plain.length > width ? undefined : plain.padStart(width, '0');
}

/** A folder with no migrations in it (or no folder at all). */
export function noMigrations(): LayoutReading {
  return { files: [], notes: [] };
}

/** A listed migration, and whether it holds no statement (which `finishLayout` reports). */
export type ListedMigration = ReturnType<typeof migrationFromFile>;

/**
 * The migrations in version order, after the checks every layout shares: two files with one
 * version, a file with no SQL. Every problem, the readers' own included, is reported at once.
 */
export function finishLayout(
  found: ListedMigration[],
  problems: string[],
  fix: string,
  notes: string[] = [],
): LayoutReading {
  const byVersion = new Map<string, MigrationFile>();
  for (const { migration, empty } of [...found].sort((a, b) => byVersionThenFile(a.migration, b.migration))) {
    const twin = byVersion.get(migration.version);
    if (twin) problems.push(`${migration.file}: version ${migration.version} is also ${twin.file}`);
    else if (empty) problems.push(`${migration.file}: has no SQL statement`);
    else byVersion.set(migration.version, migration);
  }
  reportProblems(problems, fix);
  return { files: [...byVersion.values()], notes };
}

function byVersionThenFile(a: MigrationFile, b: MigrationFile): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
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
  /**
   * The migration a matching file holds; undefined when its name has no valid version, a string when
   * it is wrong. `content` reads the whole file, for layouts that look for an up section in it.
   */
  parse(match: RegExpExecArray, content: () => string): Omit<MigrationParts, 'content'> | string | undefined;
}

/** A flat folder of `.sql` files, one migration each (Supabase, dbmate, node-pg-migrate). */
export function readSqlFolder(root: string, dir: string, options: SqlFolderOptions): LayoutReading {
  const folder = new ProjectFolder(root, dir);
  const entries = folder.list();
  if (!entries) return noMigrations();
  const problems: string[] = [];
  const found: ListedMigration[] = [];
  for (const entry of entries) {
    const source = folder.file(entry);
    const screened = options.screen?.(entry);
    if (screened === 'skip') continue;
    if (screened !== undefined) {
      problems.push(`${source.shown}: ${screened}`);
      continue;
    }
    if (!entry.endsWith('.sql')) continue;
    const match = options.fileName.exec(entry);
    let content: string | undefined;
    const parts = match ? options.parse(match, () => (content ??= source.text())) : undefined;
    if (parts === undefined) problems.push(`${source.shown}: expected ${options.expected}`);
    else if (typeof parts === 'string') problems.push(`${source.shown}: ${parts}`);
    else found.push(migrationFromFile(source, { ...parts, ...(content === undefined ? {} : { content }) }));
  }
  return finishLayout(found, problems, options.fix);
}
