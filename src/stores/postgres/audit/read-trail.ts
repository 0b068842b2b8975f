// Reading the trail back: its rows as stored (for verify) and its head (for the backup manifest).
import type { Queryable } from '../database.js';
import type { SignedHead } from './audit-event.js';
import { auditTableExists } from './audit-table.js';

/** A row of `launchdb.audit` as stored: nothing in it is trusted until verified. */
export interface TrailRow {
  seq: number;
  event: string;
  hash: string;
  key: string;
  signature: string;
}

/** Every row in sequence order; none when the trail was never started. */
export async function readTrail(db: Queryable): Promise<TrailRow[]> {
  if (!(await auditTableExists(db))) return [];
  const { rows } = await db.query<Omit<TrailRow, 'seq'> & { seq: string }>(
    'select seq::text as seq, event, hash, key, signature from launchdb.audit a order by a.seq',
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/** The newest event's signed head as the table holds it, or undefined when the trail is empty. */
export async function readSignedHead(db: Queryable): Promise<SignedHead | undefined> {
  if (!(await auditTableExists(db))) return undefined;
  const { rows } = await db.query<{ seq: string; hash: string; at: string; key: string; signature: string }>(
    `select seq::text as seq, hash, event::json->>'at' as at, key, signature
     from launchdb.audit a order by a.seq desc limit 1`,
  );
  const row = rows[0];
  return row ? { ...row, seq: Number(row.seq) } : undefined;
}
