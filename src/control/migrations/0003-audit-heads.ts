// Witnessed heads of each environment's audit trail: the rows `.launchdb/audit-heads` holds as JSON
// lines today (witness-file.ts), shaped so that file can move here. Only ever appended.
import type { ControlMigration } from '../control-migration.js';

export const auditHeads: ControlMigration = {
  version: '0003',
  name: 'audit-heads',
  sql: `
create table launchdb_control.audit_heads (
  id bigint generated always as identity primary key,
  project text not null,
  environment text not null,
  seq bigint not null check (seq >= 1),
  hash text not null,
  -- The head's own time, exactly as signed (ISO 8601 text): a timestamptz would not round-trip it.
  head_at text not null,
  -- The signer's Ed25519 public key and its signature, base64url.
  key text not null,
  signature text not null,
  witnessed_at timestamptz not null default now(),
  -- Witnessing the same head twice keeps one row; another hash at the same seq (a rewritten trail) is kept too.
  unique (project, environment, seq, hash)
);
`,
};
