// The live connection checks, in report order: capacity, then what holds connections, then prevention.
import type { Check } from '../../../core/checks/check.js';
import { connectionsAppRoleTimeouts } from './connections-app-role-timeouts.js';
import { connectionsBlocked } from './connections-blocked.js';
import { connectionsIdleInTransaction } from './connections-idle-in-transaction.js';
import { connectionsLongRunning } from './connections-long-running.js';
import { connectionsUsage } from './connections-usage.js';
import { connectionsWorkerSeparation } from './connections-worker-separation.js';
import type { PostgresCheckContext } from './context.js';

export const connectionChecks: Check<PostgresCheckContext>[] = [
  connectionsUsage,
  connectionsLongRunning,
  connectionsIdleInTransaction,
  connectionsBlocked,
  connectionsAppRoleTimeouts,
  connectionsWorkerSeparation,
];
