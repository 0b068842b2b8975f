// The verdict history: one row per `check` run of an environment, with every check's outcome.
import type { ControlMigration } from '../control-migration.js';

export const checkRuns: ControlMigration = {
  version: '0001',
  name: 'check-runs',
  sql: `
create table launchdb_control.check_runs (
  id bigint generated always as identity primary key,
  project text not null,
  environment text not null,
  verdict text not null check (verdict in ('ready', 'not ready')),
  started_at timestamptz not null,
  duration_ms integer not null check (duration_ms >= 0),
  launchdb_version text not null,
  -- Who ran it, as the audit trail names actors: a person, CI, or the scheduler.
  actor text not null,
  -- The report's checks: [{ "id", "area", "status", "durationMs", "summary" }].
  checks jsonb not null default '[]' check (jsonb_typeof(checks) = 'array')
);
-- \`history --env E --since 30d\`: one environment's runs, newest first.
create index check_runs_by_environment
  on launchdb_control.check_runs (project, environment, started_at desc);
`,
};
