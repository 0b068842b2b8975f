// node-pg-migrate SQL files: `migrations/<timestamp>_<name>.sql` with `-- Up Migration` and
// `-- Down Migration` sections, in timestamp order.
import type { Layout } from './layout.js';
import { readSqlFolder } from './layout-support.js';

const FILE_NAME = /^(\d+)_(.+)\.sql$/;
const SCRIPT = /\.(?:[cm]?js|[cm]?ts)$/;
const UP = /^\s*--[\s-]*up\s+migration/im;
const DOWN = /^\s*--[\s-]*down\s+migration/im;
/** The last moment a 17-digit `yyyymmddhhmmssSSS` can name: 9999-12-31T23:59:59.999Z. */
const LATEST = 253_402_300_799_999;

/**
 * The version of a node-pg-migrate migration, from its file name or `pgmigrations.name`: the
 * timestamp node-pg-migrate orders by (13 digits are ms since 1970, 17 digits are UTC
 * `yyyymmddhhmmssSSS`, other digits a plain number of ms), written as UTC `yyyymmddhhmmssSSS`.
 */
export function nodePgMigrateVersion(name: string): string | undefined {
  const prefix = /^(\d+)_/.exec(name)?.[1];
  if (!prefix) return undefined;
  let ms: number;
  if (prefix.length === 17) {
    const [y, mo, d, h, mi, s, ss] = [0, 4, 6, 8, 10, 12, 14].map((at, i, all) =>
      prefix.slice(at, all[i + 1] ?? 17),
    );
    ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ss}Z`);
  } else {
    ms = Number(prefix);
  }
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > LATEST) return undefined;
  return new Date(ms).toISOString().replace(/\D/g, '');
}

/** The up section as node-pg-migrate cuts it; a string says what is wrong. */
export function nodePgMigrateSection(content: string): { start: number; end: number } | string {
  const up = content.search(UP);
  const down = content.search(DOWN);
  if (up < 0) {
    // node-pg-migrate would run the whole file, down section included.
    return down < 0
      ? { start: 0, end: content.length }
      : 'has a `-- Down Migration` section but no `-- Up Migration`';
  }
  return { start: up, end: down > up ? down : content.length };
}

export const nodePgMigrateLayout: Layout = {
  name: 'node-pg-migrate',
  defaultDir: 'migrations',
  newCommand: (name) => `npx node-pg-migrate create ${name} --migration-file-language sql`,
  read: (root, dir) =>
    readSqlFolder(root, dir, {
      fileName: FILE_NAME,
      expected: '<timestamp>_<name>.sql',
      fix: 'keep SQL migrations as `node-pg-migrate create NAME --migration-file-language sql` makes them, one timestamp each',
      screen(entry) {
        if (entry.startsWith('.')) return 'skip'; // node-pg-migrate's default ignore pattern
        if (SCRIPT.test(entry)) return 'JavaScript and TypeScript migrations cannot be read; only SQL ones';
        return undefined;
      },
      parse(match, content) {
        const version = nodePgMigrateVersion(match.input);
        if (!version) return undefined;
        const section = nodePgMigrateSection(content());
        return typeof section === 'string' ? section : { version, name: match[2]!, section };
      },
    }),
};
