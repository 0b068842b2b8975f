// Seed files, by kind: `reference/` data every environment may have, `demo/` data only the others may.
import { join } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { Project } from '../../../core/project.js';
import { type ProjectFile, ProjectFolder } from '../../../core/project-file.js';

export const SEED_KINDS = ['reference', 'demo'] as const;
export type SeedKind = (typeof SEED_KINDS)[number];

export const DEFAULT_SEEDS_DIR = 'db/seeds';

export interface SeedFile {
  kind: SeedKind;
  /** The file name within its kind's folder: what the seed log records. */
  name: string;
  /** Path relative to the project root, for messages: `db/seeds/reference/plans.json`. */
  file: string;
  path: string;
  format: 'sql' | 'json' | 'csv';
  /** The table a JSON or CSV file fills: its name without an ordering prefix, `plans` or `billing.plans`. */
  table?: string;
  /** The file it is read from, through the project's checks (inside the project, UTF-8). */
  source: ProjectFile;
  /** The content in pieces that end at line ends, read again; refused when it changed since it was listed. */
  pieces(): Iterable<string>;
  /** The whole content, read again: small files only (`pieces()` reads any size). */
  readonly content: string;
  /** SHA-256 of the content with line endings normalised, hex, as migrations are. */
  checksum: string;
}

/** `<table>.json`, `<table>.csv`, optionally after an ordering prefix: `010_plans.json`. */
const ROWS_FILE = /^(?:\d+[_-])?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\.(json|csv)$/;

export function seedsDir(project: Project): string {
  return project.config.seeds?.dir ?? DEFAULT_SEEDS_DIR;
}

/**
 * The seed files of the given kinds, each kind in name order. Every bad name is reported at once:
 * a file that is neither `.sql`, `.json` nor `.csv`, or a rows file whose name is not a table.
 */
export function readSeedFiles(project: Project, kinds: readonly SeedKind[] = SEED_KINDS): SeedFile[] {
  const problems: string[] = [];
  const files: SeedFile[] = [];
  for (const kind of kinds) {
    const folder = new ProjectFolder(project.root, join(seedsDir(project), kind));
    for (const name of folder.list() ?? []) {
      if (name.startsWith('.') || name.endsWith('.md')) continue; // .gitkeep, README.md
      const source = folder.file(name);
      const file = source.shown;
      if (name.endsWith('.sql')) {
        files.push(seedFile(kind, name, source, 'sql'));
        continue;
      }
      const rows = ROWS_FILE.exec(name);
      if (rows) {
        files.push(seedFile(kind, name, source, rows[2] as 'json' | 'csv', rows[1]!));
        continue;
      }
      problems.push(
        /\.(json|csv)$/.test(name)
          ? `${file}: a rows file is named after its table: <table>.${name.split('.').pop()}`
          : `${file}: expected a .sql, .json or .csv file`,
      );
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      problems.length === 1 ? problems[0]! : `${problems.length} bad seed files:\n  ${problems.join('\n  ')}`,
      { fix: 'rename or move the files; see docs/SEEDS.md' },
    );
  }
  return files;
}

/** A seed file, read through once for its checksum; its content is read again when it is needed. */
function seedFile(
  kind: SeedKind,
  name: string,
  source: ProjectFile,
  format: SeedFile['format'],
  table?: string,
): SeedFile {
  const { checksum } = source.measure();
  const pieces = () => source.pieces({ expect: checksum });
  return {
    kind,
    name,
    file: source.shown,
    path: source.path,
    format,
    ...(table ? { table } : {}),
    source,
    pieces,
    get content() {
      return [...pieces()].join('');
    },
    checksum,
  };
}
