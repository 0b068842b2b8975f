// documents as a store kind. Not yet attachable: it declares itself for no environment.
import { UsageError } from '../../core/errors.js';
import type { StoreKind } from '../store-kind.js';

const notYet = (): never => {
  throw new UsageError('store "documents" cannot be attached yet');
};

export const documentsStore: StoreKind = {
  name: 'documents',
  declared: () => false,
  planAttach: notYet,
  attach: notYet,
  list: notYet,
  openSession: notYet,
  checks: [],
  reachableCheck: 'documents.reachable',
};
