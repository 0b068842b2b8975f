// Changes made outside launchdb, made into audit events: the DDL the event triggers captured
// (ddl-capture.ts), and the role and grant changes found by comparing the access snapshot
// (access-snapshot.ts). Folded under the trail's lock, in the transaction that appends, so each
// captured row goes into exactly one event, in the order the changes were made, before the launchdb
// action (if any) that is being recorded; the action's own role and grant changes are credited to it.
import type { Queryable } from '../database.js';
import {
  type AccessChange,
  type AccessSnapshot,
  diffSnapshots,
  readStoredSnapshot,
  SNAPSHOT_TABLE,
  type SnapshotScope,
  sameSnapshot,
  storeSnapshot,
  takeAccessSnapshot,
} from './access-snapshot.js';
import type { Actor, AuditDraft, AuditTarget } from './audit-event.js';
import type { JsonValue } from './canonical-json.js';
import { CAPTURE_TABLE } from './ddl-capture.js';

/** SQL select-list items for the append's first round trip: what there is to fold here. */
export const OUTSIDE_STATE = `current_database() as database,
  case when to_regclass('${CAPTURE_TABLE}') is not null
       then has_column_privilege(to_regclass('${CAPTURE_TABLE}'), 'folded_seq', 'UPDATE') else false end as can_fold,
  (select count(*)::int from pg_event_trigger
    where evtname in ('launchdb_capture_ddl', 'launchdb_capture_drop') and evtenabled <> 'D') = 2 as capture_on,
  to_regclass('launchdb.access_snapshot') is not null as snapshotting`;

export interface OutsideState {
  database: string;
  /** A capture table exists that this role may fold. */
  canFold: boolean;
  /** Both event triggers are in place: DDL, GRANT and REVOKE on objects are captured. */
  captureOn: boolean;
  /** A snapshot was taken before: roles and grants are compared. */
  snapshotting: boolean;
}

export function outsideStateOf(row: Record<string, unknown> | undefined): OutsideState {
  return {
    database: String(row?.database ?? ''),
    canFold: row?.can_fold === true,
    captureOn: row?.capture_on === true,
    snapshotting: row?.snapshotting === true,
  };
}

export interface OutsideContext {
  target: AuditTarget;
  /** The launchdb action being recorded (`attach`, `access grant`), or `check`. */
  by: string;
  /** Compare roles and grants even when no snapshot was stored (the first one is stored). */
  snapshot: boolean;
  /**
   * An event of launchdb's own follows in this transaction: launchdb's DDL made by this very
   * transaction (creating the trail itself) is its work, marked as folded into it, not an event.
   */
  recording: boolean;
}

/** What the append does with the changes: events to append first, and what the action itself changed. */
export interface OutsidePlan {
  /** Each with the time of the change it records. */
  drafts: { draft: AuditDraft; at: string }[];
  /**
   * What the recorded action did, for its event's details: `ddl` (launchdb's and its migrations'
   * DDL, captured), `accessChanges` (the role and grant differences credited to it). Empty for check.
   */
  actionDetails: { [key: string]: JsonValue };
  /**
   * After the events are appended, with their sequence numbers (one per draft, then the recorded
   * action's when there is one): marks the captured rows folded and stores the snapshot.
   */
  finish(seqs: readonly number[]): Promise<void>;
}

interface CapturedRow {
  id: string;
  at: string;
  transaction: string;
  session_user_name: string;
  set_role: string | null;
  client: string | null;
  application: string | null;
  migration: string | null;
  tag: string;
  objects: string;
  statement: string | null;
  statement_chars: number | null;
  own: boolean;
}

/** Actions whose runs create, alter or drop launchdb's roles and their grants. */
const ROLE_ACTIONS = new Set([
  'attach',
  'backup restore',
  'pool plan --apply',
  'access grant',
  'access approve',
  'access revoke',
  'access expire',
]);
/** Actions that run the project's SQL, which may grant on the objects it makes. */
const SQL_ACTIONS = new Set(['migrate up', 'migrate baseline', 'migrate adopt', 'seed']);

export async function collectOutsideChanges(
  tx: Queryable,
  state: OutsideState,
  context: OutsideContext,
): Promise<OutsidePlan> {
  const captured = state.canFold ? await readCaptured(tx) : [];
  // launchdb's DDL made by this very transaction (creating the trail itself) is the recorded
  // action's bookkeeping: marked as folded into its event, not listed.
  const own = captured.filter(
    (group) => context.recording && group.ownTransaction && group.origin === 'launchdb',
  );
  // launchdb's and its migrations' DDL since the last event: the work of the action being recorded,
  // listed in its event (so each action stays one event). With no action, each is its own event.
  const work = captured.filter(
    (group) => context.recording && !own.includes(group) && group.origin !== 'manual',
  );
  const groups = captured.filter((group) => !own.includes(group) && !work.includes(group));
  const drafts = groups.map((group) => ddlDraft(group, context.target));
  const actionDetails: { [key: string]: JsonValue } = {};
  if (work.length > 0) actionDetails.ddl = work.map(ddlSummary);
  let snapshot: AccessSnapshot | undefined;
  let stored: AccessSnapshot | undefined;
  if (state.snapshotting || context.snapshot) {
    const scope: SnapshotScope = state.captureOn ? 'roles' : 'roles+objects';
    const before = await readStoredSnapshot(tx);
    stored = before;
    const now = await takeAccessSnapshot(tx, scope);
    snapshot = now;
    if (before) {
      const changes = diffSnapshots(before, now);
      const managed = managedRole(state.database);
      const credited = changes.filter((change) => creditedTo(context.by, change, managed));
      const outside = changes.filter((change) => !credited.includes(change));
      if (outside.length > 0) drafts.push(rolesDraft(outside, before, now, context));
      if (credited.length > 0) actionDetails.accessChanges = credited.map((change) => change.text);
    }
  }
  return {
    drafts,
    actionDetails,
    finish: async (seqs) => {
      const marks = groups.map((group, index) => ({ seq: seqs[index], group }));
      const recorded = seqs.at(-1);
      if (context.recording && recorded !== undefined) {
        marks.push(...[...own, ...work].map((group) => ({ seq: recorded, group })));
      }
      for (const { seq, group } of marks) {
        await tx.query(`update ${CAPTURE_TABLE} set folded_seq = $1 where id = any($2::bigint[])`, [
          seq,
          group.rows.map((row) => row.id),
        ]);
      }
      if (snapshot && stored && sameSnapshot(stored, snapshot)) {
        // Unchanged: only its time moves on, so the next difference is dated from this run.
        await tx.query(`update ${SNAPSHOT_TABLE} set taken_at = $1 where id = 1`, [snapshot.takenAt]);
      } else if (snapshot) {
        await storeSnapshot(tx, snapshot, state.snapshotting);
      }
    },
  };
}

interface CapturedGroup {
  origin: 'manual' | 'migration' | 'launchdb';
  /** Made by the transaction now appending. */
  ownTransaction: boolean;
  rows: CapturedRow[];
}

/** Rows not yet folded, one group per transaction and origin, in the order they were made. */
async function readCaptured(tx: Queryable): Promise<CapturedGroup[]> {
  const { rows } = await tx.query<CapturedRow>(
    `select id::text as id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
            transaction::text as transaction, session_user_name, set_role, host(client) as client,
            application, migration, tag, objects::text as objects, statement, statement_chars,
            transaction = txid_current() as own
       from ${CAPTURE_TABLE} where folded_seq is null order by id`,
  );
  const groups = new Map<string, CapturedGroup>();
  for (const row of rows) {
    const origin = originOf(row);
    const key = [row.transaction, origin, row.migration ?? '', row.session_user_name].join('\u0000');
    const group = groups.get(key) ?? { origin, ownTransaction: row.own, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * A migration run by launchdb names itself (`launchdb.migration`, set for its transaction); other
 * launchdb sessions say `launchdb…` as their application_name. Both are a session's word for it:
 * such DDL is still recorded, with the role that logged in, only not listed as manual.
 */
function originOf(row: CapturedRow): CapturedGroup['origin'] {
  if (row.migration) return 'migration';
  if (row.application === 'launchdb' || row.application?.startsWith('launchdb ')) return 'launchdb';
  return 'manual';
}

function ddlDraft(group: CapturedGroup, target: AuditTarget): { draft: AuditDraft; at: string } {
  const first = group.rows[0]!;
  const statements: JsonValue[] = [];
  for (const row of group.rows) {
    if (row.statement === null || statements.includes(row.statement)) continue;
    statements.push(row.statement);
  }
  const truncated = group.rows.some(
    (row) => row.statement !== null && (row.statement_chars ?? 0) > row.statement.length,
  );
  const details: { [key: string]: JsonValue } = {
    sessionUser: first.session_user_name,
    ...(first.set_role ? { setRole: first.set_role } : {}),
    ...(first.client ? { client: first.client } : {}),
    ...(first.application ? { application: first.application } : {}),
    ...(first.migration ? { migration: first.migration } : {}),
    transaction: first.transaction,
    commands: group.rows.map((row) => ({ tag: row.tag, objects: objectsOf(row) })),
    ...(statements.length > 0 ? { statements } : {}),
    ...(truncated ? { statementsTruncated: true } : {}),
    captured: group.rows.map((row) => Number(row.id)),
  };
  const draft: AuditDraft = {
    action: `${group.origin} ddl`,
    actor: databaseActor(first.session_user_name),
    target,
    parameters: {},
    result: { status: 'ok' },
    details,
  };
  return { draft, at: first.at };
}

/** launchdb's own DDL of one transaction, as listed in the action's event. */
function ddlSummary(group: CapturedGroup): JsonValue {
  const first = group.rows[0]!;
  return {
    ...(first.migration ? { migration: first.migration } : {}),
    sessionUser: first.session_user_name,
    transaction: first.transaction,
    commands: group.rows.map((row) => ({ tag: row.tag, objects: objectsOf(row) })),
    captured: group.rows.map((row) => Number(row.id)),
  };
}

function objectsOf(row: CapturedRow): JsonValue[] {
  const objects = JSON.parse(row.objects) as { type?: string; identity?: string }[];
  return objects.map((object) =>
    object.identity
      ? `${object.type ?? 'object'} ${object.identity}`
      : (object.type ?? 'object').toLowerCase(),
  );
}

function databaseActor(role: string): Actor {
  return { id: role, source: 'database', identities: { database: role } };
}

function rolesDraft(
  changes: AccessChange[],
  before: AccessSnapshot,
  now: AccessSnapshot,
  context: OutsideContext,
): { draft: AuditDraft; at: string } {
  const draft: AuditDraft = {
    action: 'manual roles',
    // Role changes carry no author: the catalog does not keep one.
    actor: { id: 'unknown', source: 'database', identities: {} },
    target: context.target,
    parameters: {},
    result: { status: 'ok' },
    details: {
      between: [before.takenAt, now.takenAt],
      foundBy: context.by,
      changes: changes.map((change) => change.text),
      entries: changes.map((change) => ({ key: change.key, before: change.before, after: change.after })),
    },
  };
  return { draft, at: now.takenAt };
}

/** launchdb's roles in this database: owner, app, read-only, personal roles, and the orphans' role. */
function managedRole(database: string): (role: string) => boolean {
  const own = new Set([`${database}_owner`, `${database}_app`, `${database}_readonly`, 'launchdb_orphans']);
  return (role) => own.has(role) || role.startsWith(`${database}_p_`);
}

/**
 * Which differences the recorded action made. attach and restore set up every role and grant of the
 * environment; the others only touch launchdb's own roles (and SQL actions the privileges on the
 * objects their SQL makes). Anything else that changed meanwhile was made outside launchdb. A change
 * made by hand to one of launchdb's own roles just before such an action is credited to it: only
 * checks run often narrow that window (and with DDL capture, object grants are never in it).
 */
function creditedTo(action: string, change: AccessChange, managed: (role: string) => boolean): boolean {
  if (action === 'attach' || action === 'backup restore') return true;
  if (SQL_ACTIONS.has(action) && change.objectPrivilege) return true;
  if (!ROLE_ACTIONS.has(action) && !SQL_ACTIONS.has(action)) return false;
  return change.roles.length > 0 && change.roles.every((role) => role === 'PUBLIC' || managed(role));
}
