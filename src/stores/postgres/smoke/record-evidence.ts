// launchdb's own evidence that the app's database work in a smoke run succeeded (the `log` step's
// `database: true`), measured from the run's start marker:
//   (a) rows in the records places carry the run id, written by a transaction newer than the marker;
//   (b) the server's write counters of those tables rose by at least as many rows, polled until the
//       sessions' statistics are flushed (never one read that races the flush);
//   (c) pg_stat_statements counted statements of the app role, where it is installed.
// (a) is the proof; (b) and (c) say the server saw the same, and count only where they are available.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordPlace } from '../../../smoke/spec.js';
import type { Queryable } from '../database.js';
import { carriesRunId, type ResolvedPlace, resolvePlaces } from './record-places.js';
import type { RunMarker } from './run-start.js';
import { readStatementCalls } from './statement-calls.js';
import { readTableWrites } from './table-counters.js';
import { writtenSince } from './xid-order.js';

/** Enough for a session that went idle right after a flush: Postgres flushes its counts 10 s later. */
export const DEFAULT_EVIDENCE_TIMEOUT_MS = 12_000;
const POLL_INTERVAL_MS = 250;

export interface PlaceEvidence {
  place: string;
  /** Rows carrying the run id. */
  rows: number;
  /** Of those, rows written after the run started. */
  written: number;
  missing?: string;
}

export interface TableEvidence {
  table: string;
  /** Rows the server counted as written since the marker. */
  counted: number;
  /** At least this many: the rows of the run found in the table. */
  expected: number;
}

export interface EvidenceDetails {
  rows: PlaceEvidence[];
  counters:
    | { available: false; reason: string }
    | { available: true; tables: TableEvidence[]; polls: number; waitedMs: number };
  statements:
    | { available: false; reason: string }
    | { available: true; roles: string; before: number; after: number };
}

export interface DatabaseEvidence {
  ok: boolean;
  /** One line per piece of evidence, in the order (a), (b), (c). */
  sentences: string[];
  details: EvidenceDetails;
}

export async function databaseEvidence(
  db: Queryable,
  marker: RunMarker,
  places: readonly RecordPlace[],
  runId: string,
  options: { timeoutMs?: number } = {},
): Promise<DatabaseEvidence> {
  const resolved = await resolvePlaces(db, places);
  const rows = await rowsOfRun(db, marker, resolved, runId);
  const counters = await countersOfRun(db, marker, resolved, rows, options.timeoutMs);
  const statements = await statementsOfRun(db, marker);
  return {
    ok: rows.ok && counters.ok && statements.ok,
    sentences: [...rows.sentences, ...counters.sentences, ...statements.sentences],
    details: { rows: rows.evidence, counters: counters.details, statements: statements.details },
  };
}

interface Piece<Details> {
  ok: boolean;
  sentences: string[];
  details: Details;
}

async function rowsOfRun(
  db: Queryable,
  marker: RunMarker,
  resolved: ResolvedPlace[],
  runId: string,
): Promise<{ ok: boolean; sentences: string[]; evidence: PlaceEvidence[] }> {
  const evidence: PlaceEvidence[] = [];
  const sentences: string[] = [];
  for (const place of resolved) {
    if (place.missing !== undefined) {
      evidence.push({ place: place.label, rows: 0, written: 0, missing: place.missing });
      sentences.push(`${place.label}: not read: ${place.missing}`);
      continue;
    }
    // A view has no transaction ids: its rows are counted, never taken as written by the run.
    const written = place.heap ? writtenSince('xmin', '$2::text') : 'false';
    const { rows } = await db.query<{ rows: string | number; written: string | number }>(
      `select count(*)::int8 as rows, count(*) filter (where ${written})::int8 as written
         from ${place.relation} where ${carriesRunId(place, '$1')}`,
      [runId, marker.xmax],
    );
    const found = { rows: Number(rows[0]?.rows ?? 0), written: Number(rows[0]?.written ?? 0) };
    evidence.push({ place: place.label, ...found });
    sentences.push(placeSentence(place, found, runId));
  }
  return { ok: evidence.some((place) => place.written > 0), sentences, evidence };
}

function placeSentence(
  place: ResolvedPlace,
  found: { rows: number; written: number },
  runId: string,
): string {
  const { label } = place;
  if (found.rows === 0) return `${label}: no row carries ${runId}`;
  const before = found.rows - found.written;
  if (found.written === 0) {
    return place.heap
      ? `${label}: ${rowCount(found.rows)} carrying ${runId}, all written before the run started: not this run's work`
      : `${label}: ${rowCount(found.rows)} carrying ${runId}, but ${place.relation} is not a table: when they were written cannot be told`;
  }
  const older =
    before > 0 ? `; ${before} more written before it ${before === 1 ? 'does' : 'do'} not count` : '';
  return `${label}: ${rowCount(found.written)} carrying ${runId} written after the run started${older}`;
}

async function countersOfRun(
  db: Queryable,
  marker: RunMarker,
  resolved: ResolvedPlace[],
  rows: { evidence: PlaceEvidence[] },
  timeoutMs = DEFAULT_EVIDENCE_TIMEOUT_MS,
): Promise<Piece<EvidenceDetails['counters']>> {
  const { counters: before } = marker;
  if (!before.available) {
    return {
      ok: true,
      sentences: [`table statistics: not used: ${before.reason}`],
      details: { available: false, reason: before.reason },
    };
  }
  // Each table must show at least the rows of the run found in it (several places may share a table).
  const expected = new Map<number, { table: string; rows: number }>();
  resolved.forEach((place, i) => {
    const written = rows.evidence[i]!.written;
    if (place.oid === undefined || written === 0) return;
    const known = expected.get(place.oid);
    expected.set(place.oid, { table: place.relation!, rows: Math.max(known?.rows ?? 0, written) });
  });
  if (expected.size === 0) {
    const reason = 'no row written in this run was found to look for';
    return {
      ok: true,
      sentences: [`table statistics: not polled: ${reason}`],
      details: { available: false, reason },
    };
  }
  const oids = [...expected.keys()];
  const started = performance.now();
  let polls = 0;
  let tables: TableEvidence[] = [];
  for (;;) {
    const now = await readTableWrites(db, oids);
    polls++;
    if (!now.available) {
      return { ok: true, sentences: [`table statistics: not used: ${now.reason}`], details: now };
    }
    tables = oids.map((oid) => ({
      table: expected.get(oid)!.table,
      counted: (now.writes.get(oid) ?? 0) - (before.writes.get(oid) ?? 0),
      expected: expected.get(oid)!.rows,
    }));
    const seen = tables.every((table) => table.counted >= table.expected);
    if (seen || performance.now() - started >= timeoutMs) break;
    await sleep(POLL_INTERVAL_MS);
  }
  const waitedMs = Math.round(performance.now() - started);
  const ok = tables.every((table) => table.counted >= table.expected);
  return {
    ok,
    sentences: tables.map((table) => counterSentence(table, waitedMs, polls)),
    details: { available: true, tables, polls, waitedMs },
  };
}

function counterSentence(table: TableEvidence, waitedMs: number, polls: number): string {
  const counted = `the server counted ${rowCount(table.counted)} written to ${table.table} since the run started`;
  const waited = `${polls} read(s) over ${(waitedMs / 1000).toFixed(1)} s`;
  if (table.counted >= table.expected) return `${counted} (at least ${table.expected} expected; ${waited})`;
  if (table.counted < 0) {
    return `the server's counts of ${table.table} went down since the run started (statistics reset?): cannot confirm the ${rowCount(table.expected)} of the run`;
  }
  return `${counted}, but the run's ${rowCount(table.expected)} are there: not counted after ${waited} (sessions flush their counts about once a second, at most 10 s late)`;
}

async function statementsOfRun(
  db: Queryable,
  marker: RunMarker,
): Promise<Piece<EvidenceDetails['statements']>> {
  const { statements: before } = marker;
  if (!before.available) {
    return {
      ok: true,
      sentences: [`pg_stat_statements: not used: ${before.reason}`],
      details: { available: false, reason: before.reason },
    };
  }
  const after = await readStatementCalls(db, marker.appRole);
  if (!after.available) {
    return { ok: true, sentences: [`pg_stat_statements: not used: ${after.reason}`], details: after };
  }
  const calls = after.calls - before.calls;
  const details = { available: true as const, roles: after.roles, before: before.calls, after: after.calls };
  if (calls > 0) {
    return {
      ok: true,
      sentences: [`pg_stat_statements: ${calls} statement(s) by ${after.roles} since the run started`],
      details,
    };
  }
  const why =
    calls < 0
      ? 'its counts went down (reset, or statements evicted): cannot confirm'
      : "the app's work was done as another role";
  return {
    ok: false,
    sentences: [`pg_stat_statements: no statement by ${after.roles} counted since the run started: ${why}`],
    details,
  };
}

function rowCount(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
}
