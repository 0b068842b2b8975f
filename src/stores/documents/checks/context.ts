// What a documents check is given: the environment, its documents session, and its Postgres session.
import type { PostgresSession } from '../../postgres/session.js';
import type { CheckContextBase } from '../../store-kind.js';
import type { DocumentsSession } from '../session.js';

export interface DocumentsCheckContext extends CheckContextBase {
  documents: DocumentsSession;
  /** The environment's Postgres, where the collections live; every environment with collections declares it. */
  postgres?: PostgresSession;
}
