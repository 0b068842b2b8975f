// Prisma Migrate: `prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql`, one folder per migration.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectFolder } from '../../../../core/project-file.js';
import { migrationFromFile } from '../migration-files.js';
import type { Layout } from './layout.js';
import { finishLayout, type ListedMigration, noMigrations, padVersion } from './layout-support.js';

/** Prisma names folders `<timestamp>_<name>`; its baselining guide uses `0_init`, so any digits do. */
const FOLDER_NAME = /^(\d+)_(.+)$/;

/** The version of a Prisma migration folder (or `_prisma_migrations.migration_name`): its digits, padded. */
export function prismaVersion(folder: string): string | undefined {
  const match = FOLDER_NAME.exec(folder);
  return match ? padVersion(match[1]!) : undefined;
}

export const prismaLayout: Layout = {
  name: 'prisma',
  defaultDir: 'prisma/migrations',
  newCommand: (name) => `npx prisma migrate dev --create-only --name ${name}`,
  read(root, dir) {
    const migrations = new ProjectFolder(root, dir);
    const entries = migrations.list();
    if (!entries) return noMigrations();
    const problems: string[] = [];
    const found: ListedMigration[] = [];
    for (const entry of entries) {
      const folder = migrations.file(entry);
      // migration_lock.toml and anything else beside the folders is Prisma's, not a migration.
      if (!statSync(folder.path).isDirectory()) continue;
      const match = FOLDER_NAME.exec(entry);
      const version = match ? padVersion(match[1]!) : undefined;
      if (!match || !version) {
        problems.push(`${folder.shown}: expected a <yyyymmddhhmmss>_<name> folder`);
        continue;
      }
      const source = migrations.file(join(entry, 'migration.sql'));
      // Prisma counts every folder here as a migration: one without migration.sql stops it (P3015).
      if (!existsSync(source.path)) {
        problems.push(
          `${folder.shown}: has no migration.sql; Prisma stops at it too (P3015, "Could not find the migration file")`,
        );
        continue;
      }
      found.push(migrationFromFile(source, { version, name: match[2]! }));
    }
    return finishLayout(
      found,
      problems,
      'keep one <yyyymmddhhmmss>_<name>/migration.sql per migration, as `prisma migrate dev` makes them: restore a missing migration.sql or delete its folder, and keep scripts and notes outside the migrations folder',
    );
  },
};
