// Documents as a store kind: JSONB collections in the environment's Postgres, and/or a Firestore
// project checked statically from its own files; its attach, its `env list` row, its session and checks.
import type { StoreKind } from '../store-kind.js';
import { attachDocuments, type DocumentsAttachPlan, planAttachDocuments } from './attach.js';
import type { DocumentsCheckContext } from './checks/context.js';
import { documentsChecks } from './checks/index.js';
import { listDocuments } from './list.js';
import { DocumentsSession } from './session.js';

export const documentsStore: StoreKind<DocumentsCheckContext, DocumentsSession, DocumentsAttachPlan> = {
  name: 'documents',
  declared: (env) => env.config.documents !== undefined,
  planAttach: planAttachDocuments,
  attach: attachDocuments,
  list: listDocuments,
  // Opens nothing: collections go through the environment's Postgres session (`ctx.postgres`).
  openSession: (env) => new DocumentsSession(env),
  checks: documentsChecks,
  reachableCheck: 'documents.reachable',
};
