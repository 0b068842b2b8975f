// What an objects check is given: the environment, its objects session, and its siblings.
import type { PostgresSession } from '../../postgres/session.js';
import type { CheckContextBase } from '../../store-kind.js';
import type { ObjectsSession } from '../session.js';

export interface ObjectsCheckContext extends CheckContextBase {
  objects: ObjectsSession;
  /** The environment's Postgres, when it declares one (`objects.metadata-consistency` reads it). */
  postgres?: PostgresSession;
}
