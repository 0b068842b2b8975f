// The Supabase CLI: `supabase/migrations/<yyyymmddhhmmss>_<name>.sql`.
import type { Layout } from './layout.js';
import { padVersion, readSqlFolder } from './layout-support.js';

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
  read: (root, dir) =>
    readSqlFolder(root, dir, {
      fileName: FILE_NAME,
      expected: '<yyyymmddhhmmss>_<name>.sql',
      fix: 'name files as `supabase migration new NAME` does, one version each, each with SQL in it',
      parse(match) {
        const version = supabaseVersion(match[1]!);
        return version && { version, name: match[2]! };
      },
    }),
};
