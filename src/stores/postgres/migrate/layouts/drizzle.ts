// drizzle-kit: `drizzle/<idx>_<tag>.sql`, applied in the order of `meta/_journal.json`.
import { existsSync } from 'node:fs';
import { UsageError } from '../../../../core/errors.js';
import { ProjectFolder } from '../../../../core/project-file.js';
import { migrationFromFile } from '../migration-files.js';
import type { Layout } from './layout.js';
import { finishLayout, type ListedMigration, noMigrations } from './layout-support.js';

/** drizzle-kit numbers files `0000_…`: the journal's idx padded to that width is the version. */
const IDX_WIDTH = 4;
const FIX = 'keep the files and meta/_journal.json as `drizzle-kit generate` writes them';

export interface JournalEntry {
  idx: number;
  /** When drizzle-kit generated it, in ms; drizzle's migrator records it as `created_at`. */
  when: number;
  /** The file's name without `.sql`. */
  tag: string;
}

/** The version of the journal entry at `idx`. */
export function drizzleVersion(idx: number): string {
  return String(idx).padStart(IDX_WIDTH, '0');
}

/** The journal's entries in idx order; undefined when the folder has none. */
export function readDrizzleJournal(root: string, dir: string): JournalEntry[] | undefined {
  const source = new ProjectFolder(root, dir).file('meta/_journal.json');
  if (!existsSync(source.path)) return undefined;
  let journal: unknown;
  try {
    journal = JSON.parse(source.text());
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UsageError(`${source.shown}: not valid JSON (${error.message})`, { fix: FIX });
  }
  const entries = (journal as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) {
    throw new UsageError(`${source.shown}: expected { "entries": [...] }`, { fix: FIX });
  }
  return entries
    .map((entry, position) => {
      const { idx, when, tag } = (entry ?? {}) as Partial<JournalEntry>;
      if (!Number.isInteger(idx) || idx! < 0 || typeof when !== 'number' || typeof tag !== 'string' || !tag) {
        throw new UsageError(
          `${source.shown}: entry ${position} needs an integer idx, a numeric when and a tag`,
          { fix: FIX },
        );
      }
      return { idx: idx!, when, tag };
    })
    .sort((a, b) => a.idx - b.idx);
}

export const drizzleLayout: Layout = {
  name: 'drizzle',
  defaultDir: 'drizzle',
  newCommand: (name) => `npx drizzle-kit generate --name ${name} (or --custom for a hand-written one)`,
  read(root, dir) {
    const folder = new ProjectFolder(root, dir);
    const entries = folder.list();
    if (!entries) return noMigrations();
    const sqlFiles = entries.filter((entry) => entry.endsWith('.sql'));
    const journal = readDrizzleJournal(root, dir);
    if (!journal) {
      if (sqlFiles.length === 0) return noMigrations();
      throw new UsageError(
        `${folder.file('meta/_journal.json').shown} is missing; drizzle-kit lists its migrations there`,
        {
          fix: FIX,
        },
      );
    }
    const problems: string[] = [];
    const found: ListedMigration[] = [];
    const listed = new Set<string>();
    for (const entry of journal) {
      const source = folder.file(`${entry.tag}.sql`);
      listed.add(`${entry.tag}.sql`);
      if (entry.idx >= 10 ** IDX_WIDTH) {
        problems.push(`${source.shown}: idx ${entry.idx} has more than ${IDX_WIDTH} digits`);
        continue;
      }
      if (!existsSync(source.path)) {
        problems.push(`${source.shown}: listed in meta/_journal.json but missing`);
        continue;
      }
      // `--> statement-breakpoint` lines are SQL comments: the file runs as one batch.
      found.push(
        migrationFromFile(source, {
          version: drizzleVersion(entry.idx),
          name: entry.tag.replace(/^\d+_/, ''),
        }),
      );
    }
    // drizzle's migrator runs the journal's entries and nothing else: a file it does not list stays unrun.
    const notes = sqlFiles
      .filter((entry) => !listed.has(entry))
      .map(
        (entry) =>
          `${folder.file(entry).shown} is not in meta/_journal.json: drizzle does not run it, nor does launchdb`,
      );
    return finishLayout(found, problems, FIX, notes);
  },
};
