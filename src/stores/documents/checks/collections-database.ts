// The Postgres holding the collections, for the checks about them: skip when the environment declares
// no collections; an unreachable database becomes StoreUnavailable (the runner's skip).
import type { CheckOutcome } from '../../../core/checks/check.js';
import type { PostgresDatabase } from '../../postgres/database.js';
import type { DocumentsCheckContext } from './context.js';

export async function collectionsDatabase(
  ctx: DocumentsCheckContext,
): Promise<{ db: PostgresDatabase } | { outcome: CheckOutcome }> {
  if (ctx.documents.collections.length === 0) {
    return { outcome: { status: 'skip', summary: 'this environment declares no collections' } };
  }
  if (!ctx.postgres) {
    return {
      outcome: {
        status: 'fail',
        summary: 'collections are declared but the environment has no Postgres to hold them',
        fix: `add \`postgres: {}\` under environments.${ctx.env.name} in the config`,
      },
    };
  }
  return { db: await ctx.postgres.db() };
}

/** `collections` in words, for summaries. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}
