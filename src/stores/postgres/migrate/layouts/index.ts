// The migration layouts launchdb reads in place, by name, and the one entry every command reads through.
import type { MigrationLayout } from '../../../../core/config/types.js';
import type { MigrationFile } from '../migration-files.js';
import { dbmateLayout } from './dbmate.js';
import { drizzleLayout } from './drizzle.js';
import { flywayLayout } from './flyway.js';
import { launchdbLayout } from './launchdb.js';
import type { Layout, LayoutReading } from './layout.js';
import { nodePgMigrateLayout } from './node-pg-migrate.js';
import { prismaLayout } from './prisma.js';
import { supabaseLayout } from './supabase.js';

export type { Layout, LayoutReading } from './layout.js';

/** Every layout; `satisfies` makes a new name in MigrationLayout a type error here until it has a reader. */
export const LAYOUTS = {
  launchdb: launchdbLayout,
  prisma: prismaLayout,
  drizzle: drizzleLayout,
  supabase: supabaseLayout,
  flyway: flywayLayout,
  dbmate: dbmateLayout,
  'node-pg-migrate': nodePgMigrateLayout,
} as const satisfies Record<MigrationLayout, Layout>;

/**
 * The project's migrations in apply order, read with its layout from its folder (relative to
 * `root`), and notes on the files passed over as the tool passes over them.
 */
export function readMigrationLayout(
  root: string,
  settings: { layout: MigrationLayout; dir: string },
): LayoutReading {
  return LAYOUTS[settings.layout].read(root, settings.dir);
}

/** The project's migrations in apply order, for callers that print no notes. */
export function readMigrations(
  root: string,
  settings: { layout: MigrationLayout; dir: string },
): MigrationFile[] {
  return readMigrationLayout(root, settings).files;
}
