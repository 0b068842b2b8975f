// documents.indexes-declared: each Firestore query the config declares that needs a composite index
// has one in firestore.indexes.json; without it the query fails at run time with FAILED_PRECONDITION.
import type { Check } from '../../../core/checks/check.js';
import { hasIndex, indexEntry, type NeededIndex, neededIndex } from './composite-index.js';
import type { DocumentsCheckContext } from './context.js';

export const indexesDeclared: Check<DocumentsCheckContext> = {
  id: 'documents.indexes-declared',
  area: 'documents',
  title: 'Firestore queries have their composite indexes',
  severity: 'fail',
  async run(ctx) {
    const files = ctx.documents.firebase();
    if (!files) return { status: 'skip', summary: 'this environment declares no Firestore project' };
    const queries = ctx.documents.config.firestore?.queries ?? [];
    const path = `environments.${ctx.env.name}.documents.firestore.queries`;
    if (queries.length === 0) return { status: 'skip', summary: `no queries declared under ${path}` };
    const needed = queries.flatMap((query, i) => {
      const index = neededIndex(query);
      return index ? [{ index, at: `${path}[${i}]` }] : [];
    });
    if (needed.length === 0) {
      return {
        status: 'pass',
        summary: `none of the ${queries.length} declared queries needs a composite index`,
      };
    }
    const loaded = files.indexes;
    if ('error' in loaded) {
      return {
        status: 'fail',
        summary: loaded.error.message,
        ...(loaded.error.fix ? { fix: loaded.error.fix } : {}),
      };
    }
    const indexes = 'parsed' in loaded ? loaded.parsed.indexes : [];
    const missing = needed.filter(({ index }) => !hasIndex(indexes, index));
    const [first] = missing;
    if (!first) {
      return {
        status: 'pass',
        summary: `${loaded.file} has the composite index of each of the ${needed.length} queries that need one`,
      };
    }
    const where = 'missing' in loaded ? `${loaded.file} is not there` : `${loaded.file} has no index`;
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
    return {
      status: 'fail',
      summary: `${first.at}: ${where} for ${describe(first.index)}${more}`,
      details: {
        file: loaded.file,
        findings: missing.map((entry) => `${entry.at}: no index for ${describe(entry.index)}`),
        add: missing.map(({ index }) => indexEntry(index)),
      },
      fix: `add the entries of details.add to "indexes" in ${loaded.file}, then \`firebase deploy --only firestore:indexes\``,
    };
  },
};

/** `orders (status ==, createdAt desc)`. */
function describe(index: NeededIndex): string {
  const fields = [
    ...index.equality.map((field) => `${field} ==`),
    ...index.ordered.map((field) => `${field.fieldPath} ${field.order === 'DESCENDING' ? 'desc' : 'asc'}`),
  ];
  return `${index.collectionGroup} (${fields.join(', ')})`;
}
