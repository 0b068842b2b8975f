// The console's tables in the control database: accounts, sessions and sign-in failures. In the
// control database, not in memory, so several console instances share them: a session made on one
// works on the others, and throttling holds across all of them.
import type { ControlMigration } from '../control-migration.js';

export const consoleTables: ControlMigration = {
  version: '0006',
  name: 'console',
  sql: `
create table launchdb_control.console_accounts (
  project text not null,
  name text not null,
  role text not null check (role in ('viewer', 'operator', 'owner')),
  -- argon2id, as a PHC string: parameters and salt travel with the hash.
  password_hash text not null,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now(),
  primary key (project, name)
);

create table launchdb_control.console_sessions (
  -- sha256 of the token: the token itself is only ever in the browser's cookie.
  token_hash text primary key,
  project text not null,
  account text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- The password typed again (for a change to a guarded environment): valid for 5 minutes.
  reauthenticated_at timestamptz,
  foreign key (project, account) references launchdb_control.console_accounts on delete cascade
);
create index console_sessions_account on launchdb_control.console_sessions (project, account);

create table launchdb_control.console_login_failures (
  project text not null,
  -- 'account:<name>' or 'address:<ip>': both are throttled.
  subject text not null,
  failed_at timestamptz not null default now()
);
create index console_login_failures_recent
  on launchdb_control.console_login_failures (project, subject, failed_at);
`,
};
