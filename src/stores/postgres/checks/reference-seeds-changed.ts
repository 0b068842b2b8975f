// seed.reference-changed: every reference seed applied here is the file the project has now.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { readSeedFiles } from '../seed/seed-files.js';
import { hasSeedLog, readSeedLog } from '../seed/seed-log.js';
import { referenceChanged, seedLabel, seedStatus } from '../seed/seed-status.js';
import type { PostgresCheckContext } from './context.js';
import { listed } from './migration-state.js';

export const referenceSeedsChanged: Check<PostgresCheckContext> = {
  id: 'seed.reference-changed',
  area: 'seed',
  title: 'applied reference seeds match their files',
  severity: 'warn',
  async run(ctx) {
    let files: ReturnType<typeof readSeedFiles>;
    try {
      files = readSeedFiles(ctx.project, ['reference']);
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return { status: 'error', summary: error.message, ...(error.fix ? { fix: error.fix } : {}) };
    }
    const db = await ctx.postgres.db();
    if (!(await hasSeedLog(db))) {
      return {
        status: 'skip',
        summary: 'no seed was ever applied to this environment (no launchdb.seeds yet)',
      };
    }
    const status = seedStatus(files, await readSeedLog(db), { kinds: ['reference'] });
    const changed = referenceChanged(status);
    const pending = status.pending.length ? `; ${status.pending.length} not applied yet` : '';
    if (changed.length === 0) {
      return {
        status: 'pass',
        summary: `${status.applied} applied reference seed(s) match their files${pending}`,
        details: { pending: status.pending.map(seedLabel) },
      };
    }
    return {
      status: 'warn',
      summary: `${changed.length} reference seed(s) changed since applied: ${listed(changed.map((entry) => ({ ...entry, file: seedLabel(entry), version: '' })))}${pending}`,
      details: { changed, pending: status.pending.map(seedLabel) },
      fix: `apply them: \`launchdb seed --env ${ctx.env.name} --kind reference\` (reference seeds are idempotent)`,
    };
  },
};
