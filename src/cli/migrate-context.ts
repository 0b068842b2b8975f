// What the migrate commands share: the project, environment, settings, files, and the database.

import {
  type MigrationDatabase,
  openMigrationDatabase,
} from '../stores/postgres/migrate/migration-database.js';
import { type MigrationFile, readMigrationFiles } from '../stores/postgres/migrate/migration-files.js';
import { type MigrationSettings, migrationSettings } from '../stores/postgres/migrate/migration-settings.js';
import { integerFlag } from './args.js';
import { type CommandContext, commandContext } from './context.js';
import type { Io } from './io.js';
import type { CommandInput } from './spec.js';

export interface MigrateContext extends CommandContext {
  settings: MigrationSettings;
  files: MigrationFile[];
  /** Opens the environment's database as its owner; close it when done. */
  open(): Promise<MigrationDatabase>;
}

export async function migrateContext(input: CommandInput, io: Io, command: string): Promise<MigrateContext> {
  const context = await commandContext(input, io);
  const lockTimeoutMs = integerFlag(input, 'lock-timeout');
  const settings = migrationSettings(context.project, lockTimeoutMs === undefined ? {} : { lockTimeoutMs });
  const files = readMigrationFiles(context.project.root, settings.dir);
  return {
    ...context,
    settings,
    files,
    open: () =>
      openMigrationDatabase(context.env, {
        command,
        ...(context.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: context.connectTimeoutMs }),
      }),
  };
}
