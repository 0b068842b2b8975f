// What the database looked like as a smoke run began: the mark its evidence is measured from. Reads
// only, so it works as the read-only role and in a read-only transaction.
import type { RecordPlace } from '../../../smoke/spec.js';
import type { Queryable } from '../database.js';
import { resolvePlaces } from './record-places.js';
import { readStatementCalls, type StatementCalls } from './statement-calls.js';
import { type CountersAt, readTableWrites } from './table-counters.js';

export interface RunMarker {
  /**
   * `pg_snapshot_xmax(pg_current_snapshot())` at the start, a 64-bit transaction id as text: every
   * transaction that writes after the run began has this id or a later one.
   */
  xmax: string;
  /** The server's clock at the start. */
  startedAt: Date;
  /** The role that read the marker, and will read the evidence. */
  reader: string;
  /** Rows written to the records' tables so far, by table oid (places the database lacks are left out). */
  counters: CountersAt;
  /** Statements of the app role so far. */
  statements: StatementCalls;
  appRole?: string;
}

export async function markRunStart(
  db: Queryable,
  places: readonly RecordPlace[],
  options: { appRole?: string } = {},
): Promise<RunMarker> {
  const { rows } = await db.query<{ xmax: string; started_at: Date | string; reader: string }>(
    `select pg_snapshot_xmax(pg_current_snapshot())::text as xmax, now() as started_at, current_user as reader`,
  );
  const mark = rows[0]!;
  const oids = tableOids(await resolvePlaces(db, places));
  return {
    xmax: mark.xmax,
    startedAt: new Date(mark.started_at),
    reader: mark.reader,
    counters: await readTableWrites(db, oids),
    statements: await readStatementCalls(db, options.appRole),
    ...(options.appRole !== undefined ? { appRole: options.appRole } : {}),
  };
}

/** The distinct tables of the places that can be read. */
export function tableOids(resolved: readonly { oid?: number }[]): number[] {
  return [...new Set(resolved.flatMap((place) => (place.oid === undefined ? [] : [place.oid])))];
}
