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
import {
  collectOutsideChanges,
  OUTSIDE_STATE,
  type OutsideContext,
  outsideStateOf,
} from './outside-changes.js';

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
 * rolls back with the change it records. The lock is held until that transaction ends. Changes made
 * outside launchdb since the last append (captured DDL, role and grant differences) go in first,
 * each as its own event, so the chain keeps the order things happened in.
 */
export async function appendInTransaction(
  tx: Queryable,
  draft: AuditDraft,
  signer: AuditSigner,
  options: AppendOptions = {},
): Promise<AppendedEvent> {
  const appended = await appendWithOutsideChanges(tx, draft, signer, options);
  return appended.at(-1)!;
}

/**
 * Folds the changes made outside launchdb into the trail, with no launchdb action of its own (what
 * `check` does); `context.snapshot` stores the first snapshot of roles and grants. Returns the events
 * appended, none when nothing changed.
 */
export function appendOutsideChanges(
  tx: Queryable,
  signer: AuditSigner,
  context: Omit<OutsideContext, 'recording'>,
): Promise<AppendedEvent[]> {
  return appendWithOutsideChanges(tx, undefined, signer, { outside: { ...context, recording: false } });
}

async function appendWithOutsideChanges(
  tx: Queryable,
  draft: AuditDraft | undefined,
  signer: AuditSigner,
  options: AppendOptions & { outside?: OutsideContext },
): Promise<AppendedEvent[]> {
  // The lock first, then the table's state and what there is to fold. Not in one statement: one
  // that waits for the lock reads the catalog as it was before it waited, so the writer that waited
  // while another made the trail would make it again and fail (duplicate schema launchdb).
  await tx.query('select pg_advisory_xact_lock($1, $2)', [...APPEND_LOCK]);
  const { rows: state } = await tx.query<{ exists: boolean; triggers: number } & Record<string, unknown>>(
    `select ${TABLE_STATE}, ${OUTSIDE_STATE}`,
  );
  const outsideState = outsideStateOf(state[0]);
  // With an action to record, the trail is made first: the DDL that makes it is folded at once.
  let ensured = false;
  if (draft) {
    await ensureAuditTable(tx, tableStateOf(state[0]));
    ensured = true;
  }
  const context =
    options.outside ??
    (draft && { target: draft.target, by: draft.action, snapshot: false, recording: true });
  const folding = outsideState.canFold || outsideState.snapshotting || context?.snapshot === true;
  const outside = folding && context ? await collectOutsideChanges(tx, outsideState, context) : undefined;
  const queued = [...(outside?.drafts ?? [])];
  if (draft) {
    const extra = outside?.actionDetails ?? {};
    const own = Object.keys(extra).length > 0 ? { ...draft, details: { ...draft.details, ...extra } } : draft;
    queued.push({ draft: own, at: (options.now ?? new Date()).toISOString() });
  }
  if (queued.length === 0) {
    await outside?.finish([]);
    return [];
  }
  if (!ensured) await ensureAuditTable(tx, tableStateOf(state[0]));
  // Ordered by the column, not by the text alias: as text, 9 would come after 10.
  const { rows } = await tx.query<{ seq: string; hash: string }>(
    'select seq::text as seq, hash from launchdb.audit a order by a.seq desc limit 1',
  );
  let last: { seq: number; hash: string } | undefined = rows[0] && {
    seq: Number(rows[0].seq),
    hash: rows[0].hash,
  };
  const appended: AppendedEvent[] = [];
  for (const { draft: next, at } of queued) {
    const event: AuditEvent = {
      seq: last ? last.seq + 1 : 1,
      prev: last?.hash ?? null,
      at,
      action: next.action,
      actor: next.actor,
      target: next.target,
      parameters: next.parameters,
      result: next.result,
      ...(next.details ? { details: next.details } : {}),
      launchdb: VERSION,
    };
    const text = canonicalJson(event);
    const head = signer.sign({ seq: event.seq, hash: eventHash(text), at: event.at });
    await tx.query(
      'insert into launchdb.audit (seq, event, hash, key, signature) values ($1, $2, $3, $4, $5)',
      [event.seq, text, head.hash, head.key, head.signature],
    );
    appended.push({ event, head });
    last = { seq: event.seq, hash: head.hash };
  }
  await outside?.finish(appended.map((entry) => entry.event.seq));
  return appended;
}

/** SHA-256 of an event's canonical JSON, hex: its hash, and the next event's `prev`. */
export function eventHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
