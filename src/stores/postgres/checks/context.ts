// What a Postgres check is given: the environment, its target, its session, and its siblings.
import type { SharedControl } from '../../../control/shared-control.js';
import type { Environment, Project } from '../../../core/project.js';
import type { PostgresSession } from '../session.js';

export interface PostgresCheckContext {
  project: Project;
  env: Environment;
  postgres: PostgresSession;
  /** The run's control database when the front end shares one (`check`: with its recorder); opened on first use. */
  control?: SharedControl;
  /** The clock, so tests can ask "what about next year?" */
  now: Date;
}
