// The thresholds of the live connection checks: the config's `connections` keys over the anchors' defaults.
import type { LaunchdbConfig } from '../../../core/config/types.js';

export interface ConnectionThresholds {
  /** Share of the connections the app may use at which `connections.usage` warns. */
  usageWarn: number;
  /** …and fails. */
  usageFail: number;
  /** `connections.long-running` reports active queries running longer, in ms. */
  longRunningMs: number;
  /** `connections.idle-in-transaction` reports sessions idle in a transaction longer, in ms. */
  idleInTransactionMs: number;
  /** `connections.blocked` reports sessions waiting on a lock longer, in ms. */
  blockedMs: number;
}

/** PgHero, Heroku `pg:diagnose`, postgres-checkup and check_postgres agree on these. */
export const DEFAULT_CONNECTION_THRESHOLDS: ConnectionThresholds = {
  usageWarn: 0.75,
  usageFail: 0.9,
  longRunningMs: 60_000,
  idleInTransactionMs: 60_000,
  blockedMs: 30_000,
};

export function connectionThresholds(config: LaunchdbConfig): ConnectionThresholds {
  const configured = config.connections ?? {};
  const defaults = DEFAULT_CONNECTION_THRESHOLDS;
  const usageFail = configured.usageFail ?? defaults.usageFail;
  return {
    // A warn share above the fail share would never warn: it then warns where it fails.
    usageWarn: Math.min(configured.usageWarn ?? defaults.usageWarn, usageFail),
    usageFail,
    longRunningMs: configured.longRunning ?? defaults.longRunningMs,
    idleInTransactionMs: configured.idleInTransaction ?? defaults.idleInTransactionMs,
    blockedMs: configured.blocked ?? defaults.blockedMs,
  };
}
