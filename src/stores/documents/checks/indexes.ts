// documents.indexes: each declared collection index exists and is valid, compared by what Postgres
// makes of the definition (any name will do); one with the declared name but another definition differs.
import type { Check } from '../../../core/checks/check.js';
import { declaredShapes, existingIndexes } from '../index-definitions.js';
import { collectionsDatabase, plural } from './collections-database.js';
import type { DocumentsCheckContext } from './context.js';

export const indexes: Check<DocumentsCheckContext> = {
  id: 'documents.indexes',
  area: 'documents',
  title: 'Declared collection indexes exist and are valid',
  severity: 'fail',
  async run(ctx) {
    const found = await collectionsDatabase(ctx);
    if ('outcome' in found) return found.outcome;
    const { schema, collections } = ctx.documents;
    const declared = collections.flatMap((collection) =>
      collection.indexes.map((index) => ({ collection, index })),
    );
    if (declared.length === 0) return { status: 'pass', summary: 'no collection declares an index' };
    const shapes = await declaredShapes(
      found.db,
      declared.map(({ index }) => index),
    );
    const problems: string[] = [];
    for (const collection of collections) {
      if (collection.indexes.length === 0) continue;
      const existing = await existingIndexes(found.db, schema, collection.table);
      for (const index of collection.indexes) {
        const shape = shapes.get(index);
        const where = `${schema}.${collection.table}`;
        if (!shape || 'error' in shape) {
          problems.push(`${index.configPath}: not a valid index: ${shape?.error ?? 'unknown'}`);
          continue;
        }
        const same = existing.find((candidate) => candidate.shape === shape.shape);
        const named = existing.find((candidate) => candidate.name === index.name);
        if (same && !same.valid) problems.push(`${where}: index ${same.name} is invalid (a failed build)`);
        else if (same) continue;
        else if (named)
          problems.push(`${where}: index ${named.name} is ${named.shape}, the config says ${shape.shape}`);
        else problems.push(`${where}: no index ${shape.shape} (${index.name})`);
      }
    }
    const [first] = problems;
    if (first) {
      return {
        status: 'fail',
        summary: `${first}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        details: { problems },
        fix: `run \`launchdb attach documents --env ${ctx.env.name}\` to create missing ones; drop or rename an index that differs first`,
      };
    }
    return {
      status: 'pass',
      summary: `${plural(declared.length, 'declared index', 'declared indexes')} in place and valid`,
    };
  },
};
