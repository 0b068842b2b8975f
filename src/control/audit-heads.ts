// Witnessed audit heads in the control database (launchdb_control.audit_heads): a witness of each
// environment's trail that lives outside the environment's server and, with control.url, outside this
// machine. `audit checkpoint` writes them; `audit verify` and `access.audit-chain` read them.
import type { SignedHead } from '../stores/postgres/audit/audit-event.js';
import type { WitnessedHead } from '../stores/postgres/audit/witness-file.js';
import type { Queryable } from '../stores/postgres/database.js';

export interface ControlHeads {
  /** The heads witnessed for this environment, oldest first. */
  heads: WitnessedHead[];
  /** Public keys of every head witnessed for the project, of any environment: keys launchdb signed with. */
  keys: Set<string>;
}

/** Records `head` as witnessed; true when it is new, false when the same head was witnessed before. */
export async function witnessHeadInControl(
  db: Queryable,
  where: { project: string; environment: string },
  head: SignedHead,
): Promise<boolean> {
  const { rows } = await db.query(
    `insert into launchdb_control.audit_heads (project, environment, seq, hash, head_at, key, signature)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (project, environment, seq, hash) do nothing
     returning id`,
    [where.project, where.environment, head.seq, head.hash, head.at, head.key, head.signature],
  );
  return rows.length === 1;
}

/** The heads of `environment` witnessed in `db`, each named as coming from the control database at `location`. */
export async function readControlHeads(
  db: Queryable,
  where: { project: string; environment: string },
  location: string,
): Promise<ControlHeads> {
  const { rows } = await db.query<{
    seq: string;
    hash: string;
    head_at: string;
    key: string;
    signature: string;
  }>(
    `select seq::text as seq, hash, head_at, key, signature
       from launchdb_control.audit_heads
      where project = $1 and environment = $2
      order by id`,
    [where.project, where.environment],
  );
  const { rows: keys } = await db.query<{ key: string }>(
    'select distinct key from launchdb_control.audit_heads where project = $1',
    [where.project],
  );
  return {
    heads: rows.map((row) => ({
      seq: Number(row.seq),
      hash: row.hash,
      at: row.head_at,
      key: row.key,
      signature: row.signature,
      source: `the control database (${location})`,
    })),
    keys: new Set(keys.map((row) => row.key)),
  };
}
