// The scheduler's runs: a slot is claimed by inserting its row (the unique key makes the claim
// exactly once across machines), held by a lease renewed by heartbeat, and finished with a result.
import type { ControlMigration } from '../control-migration.js';

export const jobRuns: ControlMigration = {
  version: '0002',
  name: 'job-runs',
  sql: `
create table launchdb_control.job_runs (
  id bigint generated always as identity primary key,
  project text not null,
  job text not null,
  environment text not null,
  -- The cron slot this run is for, not when it started.
  slot timestamptz not null,
  claimed_by text not null,
  -- Another scheduler may take the run over once this has passed without a heartbeat.
  lease_until timestamptz not null,
  heartbeat_at timestamptz not null default now(),
  -- Null for a slot recorded as missed, which never started.
  started_at timestamptz,
  finished_at timestamptz,
  result text check (result in ('ok', 'failed', 'abandoned', 'missed')),
  -- The error's one line, for a failed or abandoned run.
  error text,
  unique (project, job, environment, slot),
  check ((finished_at is null) = (result is null))
);
-- \`scheduler status\`: the claims still running, and their leases.
create index job_runs_running
  on launchdb_control.job_runs (project, job, environment)
  where finished_at is null;
`,
};
