// Seed files, by kind: `reference/` data every environment may have, `demo/` data only the others may.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { Project } from '../../../core/project.js';
import { checksumOf } from '../migrate/migration-files.js';

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
  content: string;
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
    const dir = join(project.root, seedsDir(project), kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name.endsWith('.md')) continue; // .gitkeep, README.md
      const path = join(dir, name);
      const file = relative(project.root, path);
      const content = () => readFileSync(path, 'utf8');
      if (name.endsWith('.sql')) {
        const sql = content();
        files.push({ kind, name, file, path, format: 'sql', content: sql, checksum: checksumOf(sql) });
        continue;
      }
      const rows = ROWS_FILE.exec(name);
      if (rows) {
        const text = content();
        const format = rows[2] as 'json' | 'csv';
        files.push({
          kind,
          name,
          file,
          path,
          format,
          table: rows[1]!,
          content: text,
          checksum: checksumOf(text),
        });
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
