// What the console's actions did, who changed its accounts, and where each check ran. Each run of a launchdb command from
// the console (who, what, on which environment, how it ended) and its output lines, numbered, so a
// browser that lost its stream resumes from the last line it saw (Last-Event-ID), on any console
// instance sharing this database.
import type { ControlMigration } from '../control-migration.js';

export const consoleActions: ControlMigration = {
  version: '0007',
  name: 'console actions',
  sql: `
create table launchdb_control.console_actions (
  id text primary key,
  project text not null,
  environment text not null,
  action text not null,
  -- The launchdb command's words and flags: never a secret (the console passes none).
  argv jsonb not null,
  account text not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  exit_code int,
  -- The command's last error line, as the scheduler keeps it for a failed run.
  error_line text
);
create index console_actions_recent on launchdb_control.console_actions (project, started_at desc);

create table launchdb_control.console_action_lines (
  action_id text not null references launchdb_control.console_actions on delete cascade,
  seq int not null,
  stream text not null check (stream in ('stdout', 'stderr')),
  line text not null,
  primary key (action_id, seq)
);

-- Who added, removed or changed a console account, and when: the project's own audit log.
create table launchdb_control.console_account_log (
  project text not null,
  at timestamptz not null default now(),
  actor text not null,
  change text not null check (change in ('add', 'role', 'password', 'remove')),
  account text not null,
  detail text
);
create index console_account_log_recent on launchdb_control.console_account_log (project, at desc);

-- Where each check ran: a run in CI is the deploy gate the console's home shows.
alter table launchdb_control.check_runs add column via text
  check (via in ('ci', 'console', 'scheduler', 'terminal'));
`,
};
