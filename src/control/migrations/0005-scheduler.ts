// The scheduler's own bookkeeping beside its runs: a run's exit code and how many claimers started it
// (a takeover is one more), slots skipped because the previous run of the job was still going, and
// the schedulers themselves, each with a heartbeat, so `scheduler status` shows who is running.
import type { ControlMigration } from '../control-migration.js';

export const scheduler: ControlMigration = {
  version: '0005',
  name: 'scheduler',
  sql: `
alter table launchdb_control.job_runs
  drop constraint job_runs_result_check,
  add constraint job_runs_result_check
    check (result in ('ok', 'failed', 'abandoned', 'missed', 'skipped')),
  -- The command's exit code: 1 is "the answer is no" (a check not ready), 2 bad input, 3 unreachable.
  add column exit_code integer,
  -- 1 for the first claimer; each takeover of an expired lease adds one.
  add column attempts integer not null default 1;

create table launchdb_control.schedulers (
  project text not null,
  -- host:pid:random, unique per process; job_runs.claimed_by names it.
  id text not null,
  host text not null,
  pid integer not null,
  launchdb_version text not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  -- Null while it runs; set when it stops cleanly (a killed one just stops beating).
  stopped_at timestamptz,
  -- The jobs it runs, as "job env", for status.
  jobs jsonb not null,
  primary key (project, id)
);
`,
};
