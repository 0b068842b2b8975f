// Flyway: versioned `V<version>__<description>.sql` files, in any folder under the location, in
// numeric version order.
import { existsSync } from 'node:fs';
import { type ProjectFile, ProjectFolder } from '../../../../core/project-file.js';
import { migrationFromFile } from '../migration-files.js';
import type { Layout } from './layout.js';
import {
  finishLayout,
  type ListedMigration,
  noMigrations,
  padVersion,
  VERSION_WIDTH,
} from './layout-support.js';

const VERSIONED = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__.*\.sql$/;
const UNDO = /^U\d+(?:[._]\d+)*__.*\.sql$/;
/** Flyway's SQL callbacks: beforeMigrate.sql, afterEachMigrate__grants.sql, … */
const CALLBACK = /^(before|after)[A-Za-z]*(__.*)?\.sql$/;

/**
 * The version of a Flyway version string (`1`, `1.1`, `1_1`, `2024.01.15`, or
 * `flyway_schema_history.version`): each part as a number padded to 14 digits, joined by `.`, so
 * that 1 < 1.1 < 1.2 < 2 < 10 as strings. Trailing zero parts go, as Flyway counts 1.0 as 1.
 */
export function flywayVersion(text: string): string | undefined {
  if (!/^\d+(?:[._]\d+)*$/.test(text)) return undefined;
  const parts = text.split(/[._]/).map((part) => BigInt(part).toString());
  while (parts.length > 1 && parts.at(-1) === '0') parts.pop();
  const padded = parts.map((part) => padVersion(part, VERSION_WIDTH));
  return padded.every((part) => part !== undefined) ? padded.join('.') : undefined;
}

export const flywayLayout: Layout = {
  name: 'flyway',
  defaultDir: 'db/migration',
  newCommand: (name, dir) => `add ${dir}/V<next version>__${name}.sql`,
  read(root, dir) {
    const folder = new ProjectFolder(root, dir);
    // Flyway scans its locations recursively.
    const entries = folder.list({ recursive: true });
    if (!entries) return noMigrations();
    const problems: string[] = [];
    const found: ListedMigration[] = [];
    for (const entry of entries) {
      if (!entry.endsWith('.sql')) continue;
      const source = folder.file(entry);
      const base = entry.split(/[\\/]/).at(-1)!;
      if (UNDO.test(base)) continue; // undo migrations are Flyway's down migrations
      if (REPEATABLE.test(base) || CALLBACK.test(base)) {
        problems.push(
          `${source.shown}: ${REPEATABLE.test(base) ? 'repeatable migrations' : 'callbacks'} are not supported; launchdb runs each migration once`,
        );
        continue;
      }
      const match = VERSIONED.exec(base);
      const version = match ? flywayVersion(match[1]!) : undefined;
      if (!match || !version) {
        problems.push(`${source.shown}: expected V<version>__<description>.sql`);
        continue;
      }
      found.push(
        migrationFromFile(source, {
          version,
          name: match[2]!,
          noTransaction: !executesInTransaction(folder.file(`${entry}.conf`)),
        }),
      );
    }
    return finishLayout(
      found,
      problems,
      'keep versioned V<version>__<description>.sql files only; fold repeatable migrations and callbacks into versioned ones',
    );
  },
};

/** A script's own config, `V1__x.sql.conf`, may say `executeInTransaction=false`. */
function executesInTransaction(conf: ProjectFile): boolean {
  if (!existsSync(conf.path)) return true;
  const setting = /^\s*executeInTransaction\s*=\s*(\S+)\s*$/m.exec(conf.text());
  return setting?.[1]?.toLowerCase() !== 'false';
}
