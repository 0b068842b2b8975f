// The Supabase CLI: `supabase/migrations/<yyyymmddhhmmss>_<name>.sql`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFile } from '../migration-files.js';
import type { Layout } from './layout.js';
import { finishLayout, listFolder, migrationFile, padVersion, shown } from './layout-support.js';

/** The CLI's own pattern: any digits, then `_` and the name. */
const FILE_NAME = /^(\d+)_(.*)\.sql$/;

/** The version of a Supabase migration (a file's digits, or `schema_migrations.version`), padded. */
export function supabaseVersion(digits: string): string | undefined {
  return /^\d+$/.test(digits) ? padVersion(digits) : undefined;
}

export const supabaseLayout: Layout = {
  name: 'supabase',
  defaultDir: 'supabase/migrations',
  newCommand: (name) => `supabase migration new ${name}`,
  read(root, dir) {
    const absolute = join(root, dir);
    const entries = listFolder(absolute);
    if (!entries) return [];
    const problems: string[] = [];
    const found: MigrationFile[] = [];
    for (const entry of entries) {
      if (!entry.endsWith('.sql')) continue;
      const path = join(absolute, entry);
      const match = FILE_NAME.exec(entry);
      const version = match ? supabaseVersion(match[1]!) : undefined;
      if (!match || !version) {
        problems.push(`${shown(root, path)}: expected <yyyymmddhhmmss>_<name>.sql`);
        continue;
      }
      found.push(
        migrationFile(root, path, { version, name: match[2]!, content: readFileSync(path, 'utf8') }),
      );
    }
    return finishLayout(
      found,
      problems,
      'name files as `supabase migration new NAME` does, one version each, each with SQL in it',
    );
  },
};
