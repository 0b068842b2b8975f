// The control database's migrations, in the order they apply. A new one is a new module here, never
// an edit of a shipped one: a changed checksum is refused.
import type { ControlMigration } from '../control-migration.js';
import { checkRuns } from './0001-check-runs.js';
import { jobRuns } from './0002-job-runs.js';
import { auditHeads } from './0003-audit-heads.js';
import { checkRunKeys } from './0004-check-run-keys.js';
import { scheduler } from './0005-scheduler.js';
import { consoleTables } from './0006-console.js';
import { consoleActions } from './0007-console-actions.js';

export const CONTROL_MIGRATIONS: readonly ControlMigration[] = [
  checkRuns,
  jobRuns,
  auditHeads,
  checkRunKeys,
  scheduler,
  consoleTables,
  consoleActions,
];
