// What the migration checks share: the project's files against the environment's history.
import { readHistory } from '../migrate/history.js';
import { readMigrations } from '../migrate/layouts/index.js';
import { migrationSettings } from '../migrate/migration-settings.js';
import { type MigrationStatus, migrationStatus } from '../migrate/status.js';
import type { PostgresCheckContext } from './context.js';

/** The status, or undefined when the project has no migration files (nothing to judge). */
export async function migrationStateOf(ctx: PostgresCheckContext): Promise<MigrationStatus | undefined> {
  const files = readMigrations(ctx.project.root, migrationSettings(ctx.project));
  const history = await readHistory(await ctx.postgres.db());
  if (files.length === 0 && history.length === 0) return undefined;
  return migrationStatus(files, history);
}

export function listed(
  items: readonly { file?: string; version: string; name: string }[],
  limit = 3,
): string {
  const names = items.slice(0, limit).map((item) => item.file ?? `${item.version}_${item.name}`);
  return names.join(', ') + (items.length > limit ? ` and ${items.length - limit} more` : '');
}
