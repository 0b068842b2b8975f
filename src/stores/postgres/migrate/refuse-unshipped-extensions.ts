// Before anything is applied to an embedded database: every extension the plan creates must be one
// PGlite ships, or the run would stop halfway on Postgres's "extension is not available".
import { UsageError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';
import { notShipped, unavailableExtensions } from '../embedded-extensions.js';
import { loadParser, type SqlParser } from '../sql/parser.js';
import { parseChunks } from './lint/parsed-chunks.js';
import type { MigrationFile } from './migration-files.js';

/** Refuses, naming the first such migration and its extensions, when a pending migration creates one PGlite lacks. */
export async function refuseUnshippedExtensions(
  db: Queryable,
  plan: readonly MigrationFile[],
): Promise<void> {
  for (const file of plan) {
    if (!mentionsExtension(file)) continue;
    const missing = await unavailableExtensions(db, createdExtensions(await loadParser(), file));
    if (missing.length === 0) continue;
    throw new UsageError(`migration ${file.file} needs ${notShipped(missing)}; nothing was applied`, {
      fix: 'attach this environment to a server: give it a `postgres.url` in the config (or DATABASE_URL)',
    });
  }
}

/** Most migrations create no extension: only files that mention one are parsed. */
function mentionsExtension(file: MigrationFile): boolean {
  for (const piece of file.pieces()) if (/extension/i.test(piece)) return true;
  return false;
}

/** The extensions a migration's `create extension` statements name, read by the real parser a chunk at a time. */
function createdExtensions(parser: SqlParser, file: MigrationFile): string[] {
  const names: string[] = [];
  for (const chunk of parseChunks(parser, () => file.pieces())) {
    // A file that does not parse is reported by validatePending, which runs first.
    if ('failure' in chunk) break;
    for (const statement of chunk.statements) {
      const name = statement.get('CreateExtensionStmt')?.extname;
      if (name) names.push(name);
    }
  }
  return names;
}
