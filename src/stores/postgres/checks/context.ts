// What a Postgres check is given: the environment, its target, its session, and its siblings.
import type { Environment, Project } from '../../../core/project.js';
import type { PostgresSession } from '../session.js';

export interface PostgresCheckContext {
  project: Project;
  env: Environment;
  postgres: PostgresSession;
  /** The clock, so tests can ask "what about next year?" */
  now: Date;
}
