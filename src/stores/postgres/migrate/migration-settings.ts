// Where a project's migrations are, whose layout they follow, and how they run: resolved as flag, config, default.
import type { MigrationLayout } from '../../../core/config/types.js';
import type { Project } from '../../../core/project.js';
import { LAYOUTS } from './layouts/index.js';

export const DEFAULT_MIGRATIONS_DIR = 'db/migrations';

export interface MigrationSettings {
  /** Whose files these are; `launchdb` unless the config says otherwise. */
  layout: MigrationLayout;
  /** The migrations folder, relative to the project root; the layout's own folder by default. */
  dir: string;
  lockTimeoutMs: number;
  sessionLockTimeoutMs: number;
  statementTimeoutMs: number;
}

export function migrationSettings(
  project: Project,
  flags: { lockTimeoutMs?: number; defaultLayout?: MigrationLayout } = {},
): MigrationSettings {
  const config = project.config.migrations ?? {};
  // The config's layout wins over a command's default: `adopt --from` reads what the project declares.
  const layout = config.layout ?? flags.defaultLayout ?? 'launchdb';
  return {
    layout,
    dir: config.dir ?? LAYOUTS[layout].defaultDir,
    lockTimeoutMs: flags.lockTimeoutMs ?? config.lockTimeout ?? 60_000,
    sessionLockTimeoutMs: config.sessionLockTimeout ?? 5_000,
    statementTimeoutMs: config.statementTimeout ?? 600_000,
  };
}
