// What the migrate commands share: the project, environment, settings, files, and the database.

import type { MigrationLayout } from '../core/config/types.js';
import { readMigrationLayout } from '../stores/postgres/migrate/layouts/index.js';
import {
  type MigrationDatabase,
  openMigrationDatabase,
} from '../stores/postgres/migrate/migration-database.js';
import type { MigrationFile } from '../stores/postgres/migrate/migration-files.js';
import { type MigrationSettings, migrationSettings } from '../stores/postgres/migrate/migration-settings.js';
import { integerFlag } from './args.js';
import { type CommandContext, commandContext } from './context.js';
import type { Io } from './io.js';
import type { CommandInput } from './spec.js';

export interface MigrateContext extends CommandContext {
  settings: MigrationSettings;
  files: MigrationFile[];
  /** Files the layout passed over as its tool does, one line each: printed as notes. */
  notes: string[];
  /** Opens the environment's database as its owner; close it when done. */
  open(): Promise<MigrationDatabase>;
}

/** `defaultLayout` reads the files with that layout when the config names none (`migrate adopt --from`). */
export async function migrateContext(
  input: CommandInput,
  io: Io,
  command: string,
  options: { defaultLayout?: MigrationLayout } = {},
): Promise<MigrateContext> {
  const context = await commandContext(input, io);
  const lockTimeoutMs = integerFlag(input, 'lock-timeout');
  const settings = migrationSettings(context.project, {
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    ...(options.defaultLayout === undefined ? {} : { defaultLayout: options.defaultLayout }),
  });
  const { files, notes } = readMigrationLayout(context.project.root, settings);
  return {
    ...context,
    settings,
    files,
    notes,
    open: () =>
      openMigrationDatabase(context.env, {
        command,
        ...(context.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: context.connectTimeoutMs }),
      }),
  };
}

/** `note: …` lines on stderr, for what a command passed over on purpose. */
export function printNotes(io: Io, notes: readonly string[]): void {
  for (const note of notes) io.err(io.style('yellow', `note: ${note}\n`));
}
