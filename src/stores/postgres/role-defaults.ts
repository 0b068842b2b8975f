// The limits launchdb sets on the app role when it provisions one, and the app's pool applies per
// connection when the role has none: one place, read by provisioning, the checks and launchdb/pool.
import type { PostgresRoleSettings } from '../../core/config/types.js';

export const DEFAULT_ROLE_SETTINGS: Required<PostgresRoleSettings> = {
  statementTimeout: 15_000,
  idleInTransactionTimeout: 60_000,
  lockTimeout: 5_000,
  connectionLimit: 20,
};
