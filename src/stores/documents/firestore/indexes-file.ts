// `firestore.indexes.json` as `firebase firestore:indexes` writes it: composite `indexes` (each a
// `collectionGroup`, a `queryScope` and `fields` with an `order` or an `arrayConfig`) and
// `fieldOverrides`; each index keeps its line for findings.
import { UsageError } from '../../../core/errors.js';

export interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
  arrayConfig?: 'CONTAINS';
}

export interface CompositeIndex {
  collectionGroup: string;
  queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
  fields: IndexField[];
  line: number;
}

export interface FirestoreIndexes {
  file: string;
  indexes: CompositeIndex[];
}

export function parseIndexes(text: string, file: string): FirestoreIndexes {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const line = Number.isNaN(position) ? 1 : lineAt(text, position);
    throw new UsageError(`${file}:${line}: not JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, {
      fix: `correct ${file}; \`firebase deploy --only firestore:indexes\` would refuse it too`,
    });
  }
  const indexes = (document as { indexes?: unknown })?.indexes ?? [];
  if (!Array.isArray(indexes)) throw shapeError(file, 1, '`indexes` to be a list');
  // Each index's line: the n-th `"collectionGroup"` key of the file, in document order.
  const keyLines = [...text.matchAll(/"collectionGroup"\s*:/g)].map((found) => lineAt(text, found.index));
  return {
    file,
    indexes: indexes.map((index: Partial<CompositeIndex>, i) => {
      const line = keyLines[i] ?? 1;
      if (typeof index?.collectionGroup !== 'string') throw shapeError(file, line, 'a `collectionGroup`');
      if (!Array.isArray(index.fields)) throw shapeError(file, line, '`fields` to be a list');
      return {
        collectionGroup: index.collectionGroup,
        queryScope: index.queryScope === 'COLLECTION_GROUP' ? 'COLLECTION_GROUP' : 'COLLECTION',
        fields: index.fields,
        line,
      };
    }),
  };
}

function shapeError(file: string, line: number, expected: string): UsageError {
  return new UsageError(`${file}:${line}: expected ${expected}`, {
    fix: `correct ${file} (\`firebase firestore:indexes\` prints the deployed ones)`,
  });
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
