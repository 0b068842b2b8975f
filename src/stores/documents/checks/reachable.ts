// documents.reachable: the Postgres holding the collections answers. An environment with only a
// Firestore project has nothing to reach: its files are read from the project folder.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { DocumentsCheckContext } from './context.js';

export const reachable: Check<DocumentsCheckContext> = {
  id: 'documents.reachable',
  area: 'documents',
  title: 'The collections’ Postgres answers',
  severity: 'fail',
  async run(ctx) {
    if (ctx.documents.collections.length === 0) {
      return {
        status: 'skip',
        summary: 'no collections: the Firestore files are read from the project folder, nothing to reach',
      };
    }
    const postgres = ctx.postgres;
    if (!postgres) {
      return {
        status: 'fail',
        summary: 'collections are declared but the environment has no Postgres to hold them',
        fix: `add \`postgres: {}\` under environments.${ctx.env.name} in the config`,
      };
    }
    try {
      await postgres.connect();
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: error.message,
        details: { location: postgres.location },
        fix: error.fix ?? 'check the environment’s Postgres (provisioning.reachable)',
      };
    }
    return { status: 'pass', summary: `the collections’ Postgres answers at ${postgres.location}` };
  },
};
