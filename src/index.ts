// launchdb's library entry: what a project's config and an app import.
export type { Area, Check, CheckOutcome, CheckResult, CheckStatus } from './core/checks/check.js';
export type { Report, Verdict } from './core/checks/report.js';
export { type EnvRef, env } from './core/config/env-ref.js';
export {
  type ChecksConfig,
  defineConfig,
  type EnvironmentConfig,
  type LaunchdbConfig,
  type MigrationLayout,
  type MigrationsConfig,
  type PostgresRoleSettings,
  type PostgresStoreConfig,
  type RequiredIndex,
  type SchemaConfig,
} from './core/config/types.js';
export { ConfigError, ExitCode, LaunchdbError, UnreachableError, UsageError } from './core/errors.js';
export { defineSmoke } from './smoke/define-smoke.js';
export type { SmokeSpec, SmokeSpecInput, SmokeStep } from './smoke/spec.js';
