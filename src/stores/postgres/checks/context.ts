// What a Postgres check is given: the environment, its session, and its siblings.
import type { CheckContextBase } from '../../store-kind.js';
import type { PostgresSession } from '../session.js';

export interface PostgresCheckContext extends CheckContextBase {
  postgres: PostgresSession;
}
