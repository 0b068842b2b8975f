// documents.collections: each declared collection is a table of the documents schema with a `data`
// column of type jsonb, and the schema is marked for this environment (not another's).
import type { Check } from '../../../core/checks/check.js';
import { readCollectionTables } from '../collection-tables.js';
import { readDocumentsMarker } from '../marker.js';
import { collectionsDatabase, plural } from './collections-database.js';
import type { DocumentsCheckContext } from './context.js';

export const collections: Check<DocumentsCheckContext> = {
  id: 'documents.collections',
  area: 'documents',
  title: 'Declared collections exist as JSONB tables',
  severity: 'fail',
  async run(ctx) {
    const found = await collectionsDatabase(ctx);
    if ('outcome' in found) return found.outcome;
    const { schema, collections: declared } = ctx.documents;
    const attach = `run \`launchdb attach documents --env ${ctx.env.name}\``;
    const marker = await readDocumentsMarker(found.db, schema);
    if (marker && (marker.project !== ctx.project.name || marker.environment !== ctx.env.name)) {
      return {
        status: 'fail',
        summary: `schema ${schema} holds the documents of ${marker.project}/${marker.environment}, not ${ctx.project.name}/${ctx.env.name}`,
        details: { marker },
        fix: 'check the environment’s Postgres URL',
      };
    }
    const tables = await readCollectionTables(found.db, schema);
    const problems = declared.flatMap((collection) => {
      const table = tables.get(collection.table);
      const name = `${schema}.${collection.table}`;
      if (!table) return [`${collection.path}: table ${name} is not there`];
      if (table.dataType !== 'jsonb')
        return [`${collection.path}: ${name}.data is ${table.dataType ?? 'missing'}, not jsonb`];
      return [];
    });
    const [first] = problems;
    if (first) {
      return {
        status: 'fail',
        summary: `${first}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        details: { problems },
        fix: problems.some((problem) => problem.endsWith('is not there'))
          ? attach
          : 'give the table a `data jsonb not null` column',
      };
    }
    return {
      status: 'pass',
      summary: `${plural(declared.length, 'collection')} in schema ${schema}, each with data jsonb`,
      details: { tables: declared.map((collection) => `${schema}.${collection.table}`) },
    };
  },
};
