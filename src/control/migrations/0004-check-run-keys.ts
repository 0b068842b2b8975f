// Each `check` run carries a unique key, so a report ingested twice (a crash between inserting the
// pending file's lines and removing the file) is kept once: inserts say `on conflict do nothing`.
import type { ControlMigration } from '../control-migration.js';

export const checkRunKeys: ControlMigration = {
  version: '0004',
  name: 'check-run-keys',
  sql: `
alter table launchdb_control.check_runs add column run_key text;
alter table launchdb_control.check_runs add constraint check_runs_run_key unique (run_key);
`,
};
