// schema.drift: the live schema is what the migrations make, with no manual change beside them.
import type { Check } from '../../../core/checks/check.js';
import { readMigrations } from '../migrate/layouts/index.js';
import { migrationSettings } from '../migrate/migration-settings.js';
import { type DriftResult, detectDrift } from '../schema/drift.js';
import type { PostgresCheckContext } from './context.js';

/** Sentences quoted in the one-line summary; the details hold every item. */
const SUMMARY_ITEMS = 3;

export const drift: Check<PostgresCheckContext> = {
  id: 'schema.drift',
  area: 'schema',
  title: 'The live schema is what the migrations make',
  severity: 'fail',
  // Uncached, it replays every migration into a shadow database: minutes, not milliseconds, on a large schema.
  timeoutMs: 300_000,
  async run(ctx) {
    const { dir, layout } = migrationSettings(ctx.project);
    const files = readMigrations(ctx.env.root, { layout, dir });
    if (files.length === 0)
      return { status: 'skip', summary: `no migration files in ${dir} to compare with` };
    const result = await detectDrift(ctx.env, ctx.postgres.target, {
      files,
      layout,
      live: await ctx.postgres.db(),
      command: 'check',
    });
    const details = {
      shadow: result.shadow,
      migrations: result.migrations,
      expectedSchema: result.expectedSchema,
      liveSchema: result.liveSchema,
      durationMs: result.durations.totalMs,
      ...(result.notes.length > 0 ? { notes: result.notes } : {}),
      items: result.items,
    };
    if (result.items.length === 0) {
      return {
        status: 'pass',
        summary: `no drift: the schema is what the ${result.migrations} applied migration${result.migrations === 1 ? '' : 's'} in ${dir} make${fromCache(result)}`,
        details,
      };
    }
    const shown = result.items.slice(0, SUMMARY_ITEMS).map((item) => item.sentence);
    const more = result.items.length - shown.length;
    return {
      status: 'fail',
      summary: `${result.items.length} difference${result.items.length === 1 ? '' : 's'} from the migrations: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}${fromCache(result)}`,
      details,
      fix: `see \`launchdb migrate drift --env ${ctx.env.name}\`; put each intended change in a migration, or undo the manual one`,
    };
  },
};

/** Said when no migration was replayed: the expected schema is one an earlier run cached. */
function fromCache(result: DriftResult): string {
  return result.expectedSchema.cached ? ' (expected schema from cache)' : '';
}
