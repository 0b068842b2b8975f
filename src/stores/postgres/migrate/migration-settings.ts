// Where a project's migrations are and how they run: resolved as flag, config, default.
import type { Project } from '../../../core/project.js';

export const DEFAULT_MIGRATIONS_DIR = 'db/migrations';

export interface MigrationSettings {
  dir: string;
  lockTimeoutMs: number;
  sessionLockTimeoutMs: number;
  statementTimeoutMs: number;
}

export function migrationSettings(
  project: Project,
  flags: { lockTimeoutMs?: number } = {},
): MigrationSettings {
  const config = project.config.migrations ?? {};
  return {
    dir: config.dir ?? DEFAULT_MIGRATIONS_DIR,
    lockTimeoutMs: flags.lockTimeoutMs ?? config.lockTimeout ?? 60_000,
    sessionLockTimeoutMs: config.sessionLockTimeout ?? 5_000,
    statementTimeoutMs: config.statementTimeout ?? 600_000,
  };
}
