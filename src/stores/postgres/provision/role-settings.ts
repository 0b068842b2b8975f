// The settings launchdb gives each role (timeouts, connection limit, read-only), with their defaults.
import type { PostgresRoleSettings } from '../../../core/config/types.js';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_ROLE_SETTINGS } from '../role-defaults.js';
import type { RoleKind } from './roles.js';

export { DEFAULT_ROLE_SETTINGS };

interface RoleSetting {
  name: string;
  value: string;
  same(actual: string): boolean;
}

export function settingsOf(roles: PostgresRoleSettings = {}) {
  const merged = { ...DEFAULT_ROLE_SETTINGS, ...stripUndefined(roles) };
  for (const [key, value] of Object.entries(merged)) {
    const least = key === 'connectionLimit' ? -1 : 0;
    if (!Number.isInteger(value) || value < least) {
      throw new UsageError(`appRole.${key} must be a whole number ≥ ${least}, got ${value}`, {
        fix: 'fix the value in launchdb.config',
      });
    }
  }
  const duration = (name: string, ms: number): RoleSetting => ({
    name,
    value: `${ms}ms`,
    same: (actual) => millisecondsOf(actual) === ms,
  });
  return {
    connectionLimit: merged.connectionLimit,
    app: [
      duration('statement_timeout', merged.statementTimeout),
      duration('idle_in_transaction_session_timeout', merged.idleInTransactionTimeout),
      duration('lock_timeout', merged.lockTimeout),
    ],
    // A second guard besides the grants: even a mistaken grant cannot make it write.
    readonly: [
      {
        name: 'default_transaction_read_only',
        value: 'on',
        same: (actual: string) => ['on', 'true', 'yes', '1'].includes(actual.toLowerCase()),
      },
    ],
    owner: [] as RoleSetting[],
  } satisfies Record<RoleKind, RoleSetting[]> & { connectionLimit: number };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A time setting as Postgres stores it (`15000`, `15s`, `1min`) in ms; these settings default to ms. */
function millisecondsOf(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  const factor = { us: 0.001, ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * factor);
}
