// Appends one event to `launchdb.audit`: the next sequence number, the previous event's hash, the
// event's own hash, and the new head signed with the audit key. Appends take turns on a
// transaction-level advisory lock, so two processes never both extend the same head (no fork).
import { createHash } from 'node:crypto';
import { VERSION } from '../../../version.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import type { AuditDraft, AuditEvent, SignedHead } from './audit-event.js';
import type { AuditSigner } from './audit-key.js';
import { ensureAuditTable, TABLE_STATE, tableStateOf } from './audit-table.js';
import { canonicalJson } from './canonical-json.js';

/** Two int4 keys: 'ldba' and 1 — launchdb's audit trail, in this database. */
const APPEND_LOCK = [0x6c646261, 1] as const;

export interface AppendedEvent {
  event: AuditEvent;
  /** The new head: this event's place, signed. */
  head: SignedHead;
}

export interface AppendOptions {
  /** The event's time. Default: now. */
  now?: Date;
}

/** Appends `draft` in a transaction of its own. */
export function appendAuditEvent(
  db: PostgresDatabase,
  draft: AuditDraft,
  signer: AuditSigner,
  options: AppendOptions = {},
): Promise<AppendedEvent> {
  return db.transaction((tx) => appendInTransaction(tx, draft, signer, options));
}

/**
 * Appends `draft` inside the caller's open transaction (read committed), so the event commits or
 * rolls back with the change it records. The lock is held until that transaction ends.
 */
export async function appendInTransaction(
  tx: Queryable,
  draft: AuditDraft,
  signer: AuditSigner,
  options: AppendOptions = {},
): Promise<AppendedEvent> {
  // The lock and the table's state in one round trip (the state is read in the statement's snapshot,
  // perhaps from just before the lock: ensureAuditTable is idempotent, so that is enough).
  const { rows: state } = await tx.query<{ exists: boolean; triggers: number }>(
    `select pg_advisory_xact_lock($1, $2), ${TABLE_STATE}`,
    [...APPEND_LOCK],
  );
  await ensureAuditTable(tx, tableStateOf(state[0]));
  // Ordered by the column, not by the text alias: as text, 9 would come after 10.
  const { rows } = await tx.query<{ seq: string; hash: string }>(
    'select seq::text as seq, hash from launchdb.audit a order by a.seq desc limit 1',
  );
  const last = rows[0];
  const event: AuditEvent = {
    seq: last ? Number(last.seq) + 1 : 1,
    prev: last?.hash ?? null,
    at: (options.now ?? new Date()).toISOString(),
    action: draft.action,
    actor: draft.actor,
    target: draft.target,
    parameters: draft.parameters,
    result: draft.result,
    ...(draft.details ? { details: draft.details } : {}),
    launchdb: VERSION,
  };
  const text = canonicalJson(event);
  const head = signer.sign({ seq: event.seq, hash: eventHash(text), at: event.at });
  await tx.query(
    'insert into launchdb.audit (seq, event, hash, key, signature) values ($1, $2, $3, $4, $5)',
    [event.seq, text, head.hash, head.key, head.signature],
  );
  return { event, head };
}

/** SHA-256 of an event's canonical JSON, hex: its hash, and the next event's `prev`. */
export function eventHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
