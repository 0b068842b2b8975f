// `launchdb.access_requests`: requests for personal access to an environment, in its own database
// so they travel with it. A request is pending until an approver approves it, or until its own time
// to live passes (it then reads as expired, and is recorded so at the next change); an approved one
// holds when its access began and ends, and how it ended (expired or revoked).
import type { Queryable } from '../../database.js';
import type { AccessLevel } from '../personal-role.js';

export const REQUEST_STATES = ['pending', 'approved', 'denied', 'expired', 'revoked'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export interface AccessRequest {
  id: number;
  person: string;
  level: AccessLevel;
  /** How long the access lasts once approved, in ms. */
  durationMs: number;
  reason: string;
  /** The actor who asked, as the audit trail names actors. */
  requestedBy: string;
  /** The declared person that actor is, when one is. */
  requestedByPerson: string | null;
  requestedAt: string;
  /** When the request itself expires unapproved. */
  expiresAt: string;
  /** The earlier request this one asks more time for (`access request --extend`). */
  extends: number | null;
  /** As of now: a pending request past its expiry reads `expired`. */
  state: RequestState;
  approvedBy: string | null;
  approvedByPerson: string | null;
  approvedAt: string | null;
  /** When the access approved ends: approval time plus the duration. */
  grantExpiresAt: string | null;
  /** When the access ended (expired or revoked). */
  endedAt: string | null;
}

const TABLE_SQL = `
create schema if not exists launchdb;
create table if not exists launchdb.access_requests (
  id bigint generated always as identity primary key,
  person text not null,
  level text not null check (level in ('read', 'write', 'admin')),
  duration interval not null check (duration > interval '0'),
  reason text not null,
  requested_by text not null,
  requested_by_person text,
  requested_at timestamptz not null default now(),
  expires_at timestamptz not null,
  extends bigint references launchdb.access_requests (id),
  state text not null default 'pending'
    check (state in ('pending', 'approved', 'denied', 'expired', 'revoked')),
  approved_by text,
  approved_by_person text,
  approved_at timestamptz,
  grant_expires_at timestamptz,
  ended_at timestamptz
);`;

/** Every column, the state as of now, times as ISO text. */
const COLUMNS = `id::int as id, person, level, (extract(epoch from duration) * 1000)::bigint::text as duration_ms,
  reason, requested_by, requested_by_person, ${iso('requested_at')}, ${iso('expires_at')}, extends::int as extends,
  case when state = 'pending' and expires_at <= now() then 'expired' else state end as state,
  approved_by, approved_by_person, ${iso('approved_at')}, ${iso('grant_expires_at')}, ${iso('ended_at')}`;

function iso(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${column}`;
}

interface RequestRow {
  id: number;
  person: string;
  level: AccessLevel;
  duration_ms: string;
  reason: string;
  requested_by: string;
  requested_by_person: string | null;
  requested_at: string;
  expires_at: string;
  extends: number | null;
  state: RequestState;
  approved_by: string | null;
  approved_by_person: string | null;
  approved_at: string | null;
  grant_expires_at: string | null;
  ended_at: string | null;
}

function requestOf(row: RequestRow): AccessRequest {
  return {
    id: row.id,
    person: row.person,
    level: row.level,
    durationMs: Number(row.duration_ms),
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedByPerson: row.requested_by_person,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    extends: row.extends,
    state: row.state,
    approvedBy: row.approved_by,
    approvedByPerson: row.approved_by_person,
    approvedAt: row.approved_at,
    grantExpiresAt: row.grant_expires_at,
    endedAt: row.ended_at,
  };
}

/** `pending until …`, `approved, until …`, or the state: what a list of requests says of one. */
export function describeRequestState(request: AccessRequest): string {
  if (request.state === 'pending') return `pending until ${request.expiresAt}`;
  if (request.state === 'approved') return `approved, until ${request.grantExpiresAt}`;
  return request.state;
}

export async function requestsTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('launchdb.access_requests') is not null as exists`,
  );
  return rows[0]?.exists === true;
}

export interface RequestDraft {
  person: string;
  level: AccessLevel;
  durationMs: number;
  reason: string;
  requestedBy: string;
  requestedByPerson: string | undefined;
  /** The request's own time to live, in ms. */
  ttlMs: number;
  extends?: number;
}

/** Records a pending request (creating the table the first time, as the environment's owner). */
export async function insertRequest(db: Queryable, draft: RequestDraft): Promise<AccessRequest> {
  await db.query(TABLE_SQL);
  const { rows } = await db.query<RequestRow>(
    `insert into launchdb.access_requests
       (person, level, duration, reason, requested_by, requested_by_person, expires_at, extends)
     values ($1, $2, $3 * interval '1 millisecond', $4, $5, $6, now() + $7 * interval '1 millisecond', $8)
     returning ${COLUMNS}`,
    [
      draft.person,
      draft.level,
      draft.durationMs,
      draft.reason,
      draft.requestedBy,
      draft.requestedByPerson ?? null,
      draft.ttlMs,
      draft.extends ?? null,
    ],
  );
  return requestOf(rows[0]!);
}

/** One request as of now; undefined when there is none with that id (or no table yet). */
export async function readRequest(
  db: Queryable,
  id: number,
  options: { forUpdate?: boolean } = {},
): Promise<AccessRequest | undefined> {
  if (!(await requestsTableExists(db))) return undefined;
  const { rows } = await db.query<RequestRow>(
    `select ${COLUMNS} from launchdb.access_requests where id = $1${options.forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0] ? requestOf(rows[0]) : undefined;
}

/** Every request as of now, newest first; `open` keeps the pending and the approved whose access has not ended. */
export async function listRequests(
  db: Queryable,
  options: { open?: boolean } = {},
): Promise<AccessRequest[]> {
  if (!(await requestsTableExists(db))) return [];
  const { rows } = await db.query<RequestRow>(
    `select ${COLUMNS} from launchdb.access_requests order by id desc`,
  );
  const requests = rows.map(requestOf);
  return options.open
    ? requests.filter(
        (request) => request.state === 'pending' || (request.state === 'approved' && !request.endedAt),
      )
    : requests;
}

/** Records as expired the pending requests whose time to live passed; their ids. */
export async function settleExpiredRequests(db: Queryable): Promise<number[]> {
  if (!(await requestsTableExists(db))) return [];
  const { rows } = await db.query<{ id: number }>(
    `update launchdb.access_requests set state = 'expired'
      where state = 'pending' and expires_at <= now() returning id::int as id`,
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

export async function markApproved(
  tx: Queryable,
  id: number,
  approval: { by: string; byPerson: string; grantExpiresAt: Date },
): Promise<void> {
  await tx.query(
    `update launchdb.access_requests
        set state = 'approved', approved_by = $2, approved_by_person = $3, approved_at = now(), grant_expires_at = $4
      where id = $1`,
    [id, approval.by, approval.byPerson, approval.grantExpiresAt.toISOString()],
  );
}

/** Ends the approved requests of `person` whose access had not ended: `expired` or `revoked`; their ids. */
export async function endApprovedRequests(
  tx: Queryable,
  person: string,
  state: 'expired' | 'revoked',
): Promise<number[]> {
  if (!(await requestsTableExists(tx))) return [];
  const { rows } = await tx.query<{ id: number }>(
    `update launchdb.access_requests set state = $2, ended_at = now()
      where person = $1 and state = 'approved' and ended_at is null returning id::int as id`,
    [person, state],
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/** When the latest approval for `person` whose access has not ended says it ends; undefined when none. */
export async function approvedUntil(db: Queryable, person: string): Promise<Date | undefined> {
  if (!(await requestsTableExists(db))) return undefined;
  const { rows } = await db.query<{ until: Date | null }>(
    `select grant_expires_at as until from launchdb.access_requests
      where person = $1 and state = 'approved' and ended_at is null
      order by approved_at desc limit 1`,
    [person],
  );
  return rows[0]?.until ? new Date(rows[0].until) : undefined;
}

/** Records as expired the approved requests whose access time is up; their ids. */
export async function endLapsedApprovals(tx: Queryable): Promise<number[]> {
  if (!(await requestsTableExists(tx))) return [];
  const { rows } = await tx.query<{ id: number }>(
    `update launchdb.access_requests set state = 'expired', ended_at = now()
      where state = 'approved' and ended_at is null and grant_expires_at <= now() returning id::int as id`,
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}
