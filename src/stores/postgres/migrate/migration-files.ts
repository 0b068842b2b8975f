// Migration files in launchdb's own layout, `<yyyymmddhhmmss>_<name>.sql`, and what every layout's
// reader returns: versioned, checksummed migrations, validated together. A migration holds no text:
// its file is read again, in pieces, whenever its SQL is needed, so a large one never sits in memory.
import { createHash } from 'node:crypto';
import { UsageError } from '../../../core/errors.js';
import { ContentChecksum, type ProjectFile, ProjectFolder } from '../../../core/project-file.js';
import { SqlChunker } from '../sql/sql-chunks.js';

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
  /** The file it is read from, through the project's checks (inside the project, UTF-8). */
  source: ProjectFile;
  /**
   * What runs, read from the file: the whole file, or only its up section (dbmate, node-pg-migrate),
   * where every line before the section is left blank so that positions still map to the file's own
   * lines. Small files only: `pieces()` reads any size.
   */
  readonly sql: string;
  /** The same text in pieces that end at line ends; refused when the file changed since it was listed. */
  pieces(): Iterable<string>;
  /** Bytes of SQL (the file, or its up section). */
  size: number;
  /** SHA-256 of the migration's SQL (the file, or its up section) with line endings normalised to `\n`, hex. */
  checksum: string;
  /** The first line is `-- launchdb:no-transaction` (or the tool's own switch): statements run one by one, outside a transaction. */
  noTransaction: boolean;
}

/** SHA-256 of `sql` with line endings normalised, hex: what `ContentChecksum` gives for the file's bytes. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n?/g, '\n')).digest('hex');
}

export interface MigrationParts {
  version: string;
  name: string;
  /** The file's whole text, when a layout read it to find the up section. */
  content?: string;
  /** The part that is the migration, when not the whole file: `[start, end)` offsets into `content`, at line starts. */
  section?: { start: number; end: number };
  /** The tool's own no-transaction switch is set (launchdb's marker on the first line always counts). */
  noTransaction?: boolean;
}

/** A migration from one file, and whether it holds no statement at all (which its layout reports). */
export function migrationFromFile(
  source: ProjectFile,
  parts: MigrationParts,
): { migration: MigrationFile; empty: boolean } {
  const { content, section } = parts;
  let range: { start: number; end: number; lines: number } | undefined;
  let listed: { checksum: string; size: number; firstPiece: string; empty: boolean };
  if (content !== undefined && section) {
    const up = content.slice(section.start, section.end);
    const before = content.slice(0, section.start);
    const start = Buffer.byteLength(before);
    const lines = before.length - before.replaceAll('\n', '').length;
    range = { start, end: start + Buffer.byteLength(up), lines };
    listed = {
      checksum: checksumOf(up),
      size: range.end - start,
      firstPiece: content,
      empty: !hasStatements([up]),
    };
  } else {
    listed = readListing(source);
  }
  const checksum = listed.checksum;
  function* pieces(): Generator<string> {
    if (range && range.lines > 0) yield '\n'.repeat(range.lines);
    let first = true;
    for (const piece of source.pieces({
      ...(range ? { start: range.start, end: range.end } : {}),
      expect: checksum,
    })) {
      // A byte-order mark (Windows editors write one) is no SQL: Postgres would not parse it, and
      // editors do not count it as a column. The checksum is of the bytes, mark included.
      yield first ? piece.replace(/^\uFEFF/, '') : piece;
      first = false;
    }
  }
  const migration: MigrationFile = {
    version: parts.version,
    name: parts.name,
    file: source.shown,
    path: source.path,
    source,
    get sql() {
      return [...pieces()].join('');
    },
    pieces,
    size: listed.size,
    checksum,
    noTransaction: parts.noTransaction === true || startsWithNoTransaction(content ?? listed.firstPiece),
  };
  return { migration, empty: listed.empty };
}

/** One pass over a file: refused if it is not UTF-8 text in the project, else its checksum, size and first lines. */
function readListing(source: ProjectFile): {
  checksum: string;
  size: number;
  firstPiece: string;
  empty: boolean;
} {
  const checksum = new ContentChecksum();
  let firstPiece: string | undefined;
  const statements = new StatementFinder();
  for (const piece of source.pieces({ checksum })) {
    firstPiece ??= piece;
    statements.push(piece);
  }
  return {
    checksum: checksum.digest(),
    size: checksum.size,
    firstPiece: firstPiece ?? '',
    empty: !statements.found(),
  };
}

/**
 * Every migration in `dir`, in version order. Bad files are reported together, so one run names
 * every problem: a `.sql` name off the layout, two files with one version, a file with no SQL.
 */
export function readMigrationFiles(root: string, dir: string): MigrationFile[] {
  const folder = new ProjectFolder(root, dir);
  const problems: string[] = [];
  const byVersion = new Map<string, MigrationFile>();
  for (const entry of folder.list() ?? []) {
    if (!entry.endsWith('.sql')) continue; // .gitkeep, README.md and the like
    const source = folder.file(entry);
    const match = FILE_NAME.exec(entry);
    if (!match) {
      problems.push(`${source.shown}: expected <yyyymmddhhmmss>_<name>.sql`);
      continue;
    }
    const { migration, empty } = migrationFromFile(source, { version: match[1]!, name: match[2]! });
    const twin = byVersion.get(migration.version);
    if (twin) problems.push(`${source.shown}: version ${migration.version} is also ${twin.file}`);
    else if (empty) problems.push(`${source.shown}: has no SQL statement`);
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

/** Anything left once comments, blanks and lone semicolons are removed. */
export function hasStatements(pieces: Iterable<string>): boolean {
  const finder = new StatementFinder();
  for (const piece of pieces) if (finder.push(piece)) return true;
  return finder.found();
}

/** Fed a file's pieces, tells once a statement shows, and lexes no further: a large file costs a line. */
class StatementFinder {
  private readonly chunker = new SqlChunker(0);
  private seen = false;

  push(piece: string): boolean {
    if (!this.seen) this.seen = this.chunker.push(piece).some((chunk) => chunk.statements.length > 0);
    return this.seen;
  }

  found(): boolean {
    if (!this.seen) this.seen = this.chunker.end().some((chunk) => chunk.statements.length > 0);
    return this.seen;
  }
}

/** A UTC `yyyymmddhhmmss` version for a new migration, later than every existing one. */
export function nextVersion(existing: readonly MigrationFile[], now = new Date()): string {
  let version = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const newest = existing.at(-1)?.version;
  if (newest && version <= newest) version = (BigInt(newest) + 1n).toString().padStart(14, '0');
  return version;
}
