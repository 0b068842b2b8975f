// schema.migrations-checksum: what was applied is what the project's files say.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';
import { listed, migrationStateOf } from './migration-state.js';

export const migrationsChecksum: Check<PostgresCheckContext> = {
  id: 'schema.migrations-checksum',
  area: 'schema',
  title: 'applied migrations match their files',
  severity: 'fail',
  async run(ctx) {
    const status = await migrationStateOf(ctx);
    if (!status) return { status: 'skip', summary: 'no migration files in the project and no history' };
    const problems = [...status.changed, ...status.missing];
    if (problems.length === 0) {
      return { status: 'pass', summary: `${status.applied} applied migration(s) match their files` };
    }
    return {
      status: 'fail',
      summary: [
        status.changed.length
          ? `${status.changed.length} edited after being applied: ${listed(status.changed)}`
          : '',
        status.missing.length
          ? `${status.missing.length} applied with no file: ${listed(status.missing)}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
      details: { changed: status.changed, missing: status.missing },
      fix: 'restore the applied files; put further changes in new migrations (`launchdb migrate verify`)',
    };
  },
};
