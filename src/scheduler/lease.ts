// How long a claim on a slot lasts without a heartbeat: scheduler.lease, else 30 s (docs/CONFIG.md).
import type { LaunchdbConfig } from '../core/config/types.js';

export const DEFAULT_LEASE_MS = 30_000;

export function leaseMsOf(config: LaunchdbConfig): number {
  return config.scheduler?.lease ?? DEFAULT_LEASE_MS;
}
