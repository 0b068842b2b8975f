// The events of a trail, filtered by time, actor and action: all of them oldest first as `audit list`
// shows them, or a page newest first as the console does.
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
  const { rows } = await db.query<EventRow>(
    'select seq::text as seq, event from launchdb.audit a order by a.seq',
  );
  const listed: ListedEvents = { events: [], unreadable: [] };
  const matches = matcherOf(filter);
  for (const row of rows) take(row, matches, listed);
  return listed;
}

export interface EventPage extends ListedEvents {
  /** The `before` of the next, older page; undefined when this page reaches the first event. */
  older?: number;
}

/** Rows read at a time while a page is filled: a filter that matches little reads on, batch by batch. */
const PAGE_BATCH = 500;

/**
 * One page of the trail, newest first, as the console shows it: up to `size` matching events whose
 * seq is below `before` (from the newest when absent); `unreadable` counts the rows read on the way.
 */
export async function pageAuditEvents(
  db: Queryable,
  filter: EventFilter,
  page: { before?: number; size: number },
): Promise<EventPage> {
  const listed: EventPage = { events: [], unreadable: [] };
  if (!(await auditTableExists(db))) return listed;
  const matches = matcherOf(filter);
  let below = page.before ?? Number.MAX_SAFE_INTEGER;
  for (;;) {
    const { rows } = await db.query<EventRow>(
      'select seq::text as seq, event from launchdb.audit a where a.seq < $1 order by a.seq desc limit $2',
      [below, PAGE_BATCH],
    );
    for (const row of rows) {
      take(row, matches, listed);
      // One more than the page holds: there is an older page, which starts below the last one shown.
      if (listed.events.length > page.size) {
        listed.events.pop();
        listed.older = listed.events.at(-1)!.seq;
        return listed;
      }
      below = Number(row.seq);
    }
    if (rows.length < PAGE_BATCH) return listed;
  }
}

interface EventRow {
  seq: string;
  event: string;
}

/** Adds the row's event to `listed` when it is JSON and matches; its seq to `unreadable` when not JSON. */
function take(row: EventRow, matches: (event: AuditEvent) => boolean, listed: ListedEvents): void {
  let event: AuditEvent;
  try {
    event = JSON.parse(row.event) as AuditEvent;
  } catch {
    listed.unreadable.push(Number(row.seq));
    return;
  }
  if (matches(event)) listed.events.push(event);
}

function matcherOf(filter: EventFilter): (event: AuditEvent) => boolean {
  const since = filter.since?.toISOString();
  return (event) =>
    (since === undefined || event.at >= since) &&
    (!filter.actor || actedBy(event, filter.actor)) &&
    (!filter.action || isAction(event, filter.action));
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
