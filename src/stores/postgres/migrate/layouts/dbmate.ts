// dbmate: `db/migrations/<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` sections.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFile } from '../migration-files.js';
import type { Layout } from './layout.js';
import { finishLayout, listFolder, migrationFile, padVersion, shown } from './layout-support.js';

/** dbmate takes the leading digits as the version; the rest of the name is free. */
const FILE_NAME = /^(\d+)_?(.*)\.sql$/;
const UP = /^--\s*migrate:up(?:[ \t]+([^\r\n]*?))?[ \t\r]*$/m;
const DOWN = /^--\s*migrate:down\b.*$/m;

/** The version of a dbmate migration (a file's digits, or `schema_migrations.version`), padded. */
export function dbmateVersion(digits: string): string | undefined {
  return /^\d+$/.test(digits) ? padVersion(digits) : undefined;
}

export interface DbmateSections {
  /** Offsets of the up section: from its `-- migrate:up` line to the `-- migrate:down` line or the end. */
  start: number;
  end: number;
  /** `-- migrate:up transaction:false` */
  noTransaction: boolean;
}

/** The up section, as dbmate parses it; a string says what is wrong. */
export function dbmateSections(content: string): DbmateSections | string {
  const up = UP.exec(content);
  if (!up) return 'has no `-- migrate:up` line';
  const down = DOWN.exec(content);
  if (down && down.index < up.index) return '`-- migrate:down` comes before `-- migrate:up`';
  const before = content.slice(0, up.index).split('\n');
  if (before.some((line) => line.trim() !== '' && !line.trim().startsWith('--'))) {
    return 'has statements before `-- migrate:up`';
  }
  const options = (up[1] ?? '').split(/\s+/).filter(Boolean);
  return {
    start: up.index,
    end: down ? down.index : content.length,
    noTransaction: options.includes('transaction:false'),
  };
}

export const dbmateLayout: Layout = {
  name: 'dbmate',
  defaultDir: 'db/migrations',
  newCommand: (name) => `dbmate new ${name}`,
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
      const version = match ? dbmateVersion(match[1]!) : undefined;
      if (!match || !version) {
        problems.push(`${shown(root, path)}: expected <version>_<name>.sql`);
        continue;
      }
      const content = readFileSync(path, 'utf8');
      const sections = dbmateSections(content);
      if (typeof sections === 'string') {
        problems.push(`${shown(root, path)}: ${sections}`);
        continue;
      }
      found.push(
        migrationFile(root, path, {
          version,
          name: match[2] || match[1]!,
          content,
          section: { start: sections.start, end: sections.end },
          noTransaction: sections.noTransaction,
        }),
      );
    }
    return finishLayout(
      found,
      problems,
      'write each file as `dbmate new` does: `-- migrate:up`, the SQL, then `-- migrate:down`',
    );
  },
};
