// `launchdb.audit`, the environment's audit trail: one row per event, appended, never changed.
// UPDATE, DELETE and TRUNCATE are revoked from everyone and refused by triggers, which even a
// superuser must drop first: what gets past them is caught by the hash chain and the signed heads.
import type { Queryable } from '../database.js';

/** Names the triggers carry: what `auditTableReady` looks for. */
const ROW_TRIGGER = 'audit_append_only';
const TRUNCATE_TRIGGER = 'audit_no_truncate';

const CREATE_TABLE = `
create schema if not exists launchdb;
create table if not exists launchdb.audit (
  seq bigint primary key check (seq > 0),
  -- The event's canonical JSON (RFC 8785): the exact text its hash covers.
  event text not null,
  -- SHA-256 of event, hex.
  hash text not null,
  -- The Ed25519 public key that signed this head, and its signature (both base64url).
  key text not null,
  signature text not null
);`;

const PROTECT = `
create or replace function launchdb.audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'launchdb.audit is append-only: % refused', tg_op
    using errcode = '42501', hint = 'audit events are never changed or removed';
end
$$;
drop trigger if exists ${ROW_TRIGGER} on launchdb.audit;
create trigger ${ROW_TRIGGER} before update or delete on launchdb.audit
  for each row execute function launchdb.audit_append_only();
drop trigger if exists ${TRUNCATE_TRIGGER} on launchdb.audit;
create trigger ${TRUNCATE_TRIGGER} before truncate on launchdb.audit
  for each statement execute function launchdb.audit_append_only();
revoke update, delete, truncate on launchdb.audit from public, current_user;
do $$
declare grantee text;
begin
  for grantee in
    select distinct a.grantee::regrole::text
    from pg_class c, aclexplode(c.relacl) a
    where c.oid = 'launchdb.audit'::regclass and a.grantee <> 0
      and a.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')
  loop
    execute format('revoke update, delete, truncate on launchdb.audit from %s', grantee);
  end loop;
end
$$;`;

/** True when the trail exists (it is created by the first append). */
export async function auditTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.audit') is not null as exists`,
  );
  return rows[0]?.exists === true;
}

/** SQL select-list items: whether the table exists, and how many of its two triggers are enabled. */
export const TABLE_STATE = `to_regclass('launchdb.audit') is not null as exists,
  (select count(*)::int from pg_trigger where tgrelid = to_regclass('launchdb.audit')
     and tgname in ('${ROW_TRIGGER}', '${TRUNCATE_TRIGGER}') and tgenabled <> 'D') as triggers`;

export interface TableState {
  exists: boolean;
  /** Both triggers that keep it append-only are there and enabled. */
  protected: boolean;
}

export function tableStateOf(row: { exists: boolean; triggers: number } | undefined): TableState {
  return { exists: row?.exists === true, protected: row?.triggers === 2 };
}

export async function auditTableState(db: Queryable): Promise<TableState> {
  const { rows } = await db.query<{ exists: boolean; triggers: number }>(`select ${TABLE_STATE}`);
  return tableStateOf(rows[0]);
}

/**
 * Creates the table when missing, and puts its protection back when a trigger is missing or
 * disabled (a restore from a backup taken before they existed, or someone who dropped one).
 * Run inside the append's transaction, under its lock. Both steps are idempotent, so a state read
 * a moment before the lock was granted is good enough.
 */
export async function ensureAuditTable(tx: Queryable, state: TableState): Promise<void> {
  if (state.exists && state.protected) return;
  if (!state.exists) await tx.query(CREATE_TABLE);
  await tx.query(PROTECT);
}
