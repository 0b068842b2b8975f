// Which composite index a Firestore query needs, and whether firestore.indexes.json has it. Single-field
// indexes (automatic) serve equality on any fields and one order or range on one field; an order or a
// range on a field besides the equality ones, or several orders, needs a composite index: the
// equality fields first (any order), then the ordered fields as the query orders them.
import type { FirestoreQueryConfig } from '../../../core/config/documents-config.js';
import type { CompositeIndex } from '../firestore/indexes-file.js';

export interface OrderedField {
  fieldPath: string;
  order: 'ASCENDING' | 'DESCENDING';
}

export interface NeededIndex {
  collectionGroup: string;
  equality: string[];
  ordered: OrderedField[];
}

export function neededIndex(query: FirestoreQueryConfig): NeededIndex | undefined {
  const equality = [...new Set(query.where ?? [])];
  const ordered: OrderedField[] = (query.orderBy ?? []).map((entry) => {
    const [fieldPath = entry, direction] = entry.split(' ');
    return { fieldPath, order: direction?.toLowerCase() === 'desc' ? 'DESCENDING' : 'ASCENDING' };
  });
  // Firestore orders by the range field first: a query that does not, gets it put first.
  if (query.range && ordered[0]?.fieldPath !== query.range)
    ordered.unshift({ fieldPath: query.range, order: 'ASCENDING' });
  const ranged = ordered.filter((field) => !equality.includes(field.fieldPath));
  const composite = ranged.length >= 2 || (ranged.length === 1 && equality.length > 0);
  return composite ? { collectionGroup: query.collection, equality, ordered: ranged } : undefined;
}

export function hasIndex(
  indexes: readonly CompositeIndex[],
  needed: NeededIndex,
): CompositeIndex | undefined {
  return indexes.find((index) => {
    if (index.collectionGroup !== needed.collectionGroup || index.queryScope !== 'COLLECTION') return false;
    const fields = index.fields.filter(
      (field, i) => !(field.fieldPath === '__name__' && i === index.fields.length - 1),
    );
    if (fields.length !== needed.equality.length + needed.ordered.length) return false;
    const head = fields.slice(0, needed.equality.length).map((field) => field.fieldPath);
    if (!needed.equality.every((field) => head.includes(field))) return false;
    return needed.ordered.every((field, i) => {
      const actual = fields[needed.equality.length + i];
      return actual?.fieldPath === field.fieldPath && actual.order === field.order;
    });
  });
}

/** The entry to add to firestore.indexes.json's `indexes`, as Firebase writes it. */
export function indexEntry(needed: NeededIndex) {
  return {
    collectionGroup: needed.collectionGroup,
    queryScope: 'COLLECTION',
    fields: [...needed.equality.map((fieldPath) => ({ fieldPath, order: 'ASCENDING' })), ...needed.ordered],
  };
}
