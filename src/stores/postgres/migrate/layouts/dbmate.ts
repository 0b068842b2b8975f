// dbmate: `db/migrations/<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` sections.
import type { Layout } from './layout.js';
import { padVersion, readSqlFolder } from './layout-support.js';

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
  read: (root, dir) =>
    readSqlFolder(root, dir, {
      fileName: FILE_NAME,
      expected: '<version>_<name>.sql',
      fix: 'write each file as `dbmate new` does: `-- migrate:up`, the SQL, then `-- migrate:down`',
      parse(match, content) {
        const version = dbmateVersion(match[1]!);
        if (!version) return undefined;
        const sections = dbmateSections(content());
        if (typeof sections === 'string') return sections;
        const { start, end, noTransaction } = sections;
        return { version, name: match[2] || match[1]!, section: { start, end }, noTransaction };
      },
    }),
};
