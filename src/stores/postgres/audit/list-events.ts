// The events of a trail as `audit list` shows them: oldest first, filtered by time, actor and action.
import type { Queryable } from '../database.js';
import type { AuditEvent } from './audit-event.js';
import { auditTableExists } from './audit-table.js';

export interface EventFilter {
  /** Only events at or after this time. */
  since?: Date;
  /** Only events whose actor, or any of its identities, contains this (any case). */
  actor?: string;
  /** Only this action (`migrate up`), or the actions of a group (`migrate`). */
  action?: string;
}

export interface ListedEvents {
  events: AuditEvent[];
  /** Sequence numbers of rows that are not JSON: `audit verify` says what happened to them. */
  unreadable: number[];
}

export async function listAuditEvents(db: Queryable, filter: EventFilter = {}): Promise<ListedEvents> {
  if (!(await auditTableExists(db))) return { events: [], unreadable: [] };
  const { rows } = await db.query<{ seq: string; event: string }>(
    'select seq::text as seq, event from launchdb.audit a order by a.seq',
  );
  const listed: ListedEvents = { events: [], unreadable: [] };
  const since = filter.since?.toISOString();
  for (const row of rows) {
    let event: AuditEvent;
    try {
      event = JSON.parse(row.event) as AuditEvent;
    } catch {
      listed.unreadable.push(Number(row.seq));
      continue;
    }
    if (since && !(event.at >= since)) continue;
    if (filter.actor && !actedBy(event, filter.actor)) continue;
    if (filter.action && !isAction(event, filter.action)) continue;
    listed.events.push(event);
  }
  return listed;
}

function actedBy(event: AuditEvent, text: string): boolean {
  const wanted = text.toLowerCase();
  const names = [event.actor?.id, ...Object.values(event.actor?.identities ?? {})];
  return names.some((name) => typeof name === 'string' && name.toLowerCase().includes(wanted));
}

function isAction(event: AuditEvent, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  const action = String(event.action).toLowerCase();
  return action === wanted || action.startsWith(`${wanted} `);
}
