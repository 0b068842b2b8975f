// Ending a personal role, for `access revoke` and `access expire`, in three steps so access ends even
// when the role cannot be dropped:
//   1. shut out: NOLOGIN, committed, so nobody logs in again as it;
//   2. its sessions terminated (waited for), so none holds a lock the drop needs or keeps working;
//   3. in one transaction: what it owns reassigned to `launchdb_orphans`, the rest of what it owns
//      and every grant made to it dropped (DROP OWNED), then the role dropped — unless something in
//      another database (which REASSIGN and DROP OWNED cannot reach) still depends on it: then the
//      transaction rolls back and each leftover is named, never a half-dropped role.
import type { PostgresDatabase, Queryable } from '../../database.js';
import { quoteIdent } from '../../sql-quote.js';
import { inAccessTransaction } from './access-transaction.js';

/** Owns what ended personal roles owned: objects survive the person's access, for a human to review. */
export const ORPHANS_ROLE = 'launchdb_orphans';

/** How long each session is waited for once told to end. */
const TERMINATE_WAIT_MS = 5000;
/** A drop waits this long for a lock, then gives up rather than hang behind someone's transaction. */
const DROP_LOCK_TIMEOUT = '10s';

/** What still depends on a role, from `pg_shdepend`: one line each. */
export interface Leftover {
  /** `table public.notes`, or `a table (pg_class oid 16390)` in another database. */
  object: string;
  /** The database it is in; null for a shared object (a database, a tablespace). */
  database: string | null;
  /** `owner`, `privileges`, `policy`, `initial privileges`, … */
  dependency: string;
}

export type RoleEnding =
  | { dropped: true; sessionsEnded: number }
  | { dropped: false; sessionsEnded: number; leftovers: Leftover[] };

export async function roleExists(db: Queryable, role: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from pg_roles where rolname = $1', [role]);
  return rows.length > 0;
}

/** Takes the role's LOGIN away; false when the role does not exist. Inside the caller's transaction. */
export async function shutOut(tx: Queryable, role: string): Promise<boolean> {
  const { rows } = await tx.query<{ oid: number }>(
    'select oid::int as oid from pg_roles where rolname = $1',
    [role],
  );
  if (!rows[0]) return false;
  await tx.query(`alter role ${quoteIdent(role)} nologin`);
  return true;
}

/** Ends every session of `role` on the server (not only in this database), waiting for each; how many. */
export async function terminateSessions(db: Queryable, role: string): Promise<number> {
  const { rows } = await db.query<{ ended: number }>(
    `select count(*) filter (where pg_terminate_backend(pid, $2))::int as ended
       from pg_stat_activity
      where usesysid = (select oid from pg_roles where rolname = $1) and pid <> pg_backend_pid()`,
    [role, TERMINATE_WAIT_MS],
  );
  return rows[0]?.ended ?? 0;
}

/** Steps 2 and 3, for a role already shut out (step 1 committed). */
export async function terminateAndDrop(db: PostgresDatabase, role: string): Promise<RoleEnding> {
  const sessionsEnded = await terminateSessions(db, role);
  const leftovers = await dropRole(db, role);
  return leftovers ? { dropped: false, sessionsEnded, leftovers } : { dropped: true, sessionsEnded };
}

/** Undefined when dropped (or already gone); the leftovers when something elsewhere keeps it. */
async function dropRole(db: PostgresDatabase, role: string): Promise<Leftover[] | undefined> {
  const kept = new KeptRole();
  try {
    await inAccessTransaction(db, async (tx) => {
      const { rows } = await tx.query('select 1 from pg_roles where rolname = $1', [role]);
      if (!rows[0]) return;
      await tx.query(`set local lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      await ensureOrphansRole(tx);
      await tx.query(`reassign owned by ${quoteIdent(role)} to ${quoteIdent(ORPHANS_ROLE)}`);
      await tx.query(`drop owned by ${quoteIdent(role)}`);
      const leftovers = await leftoversOf(tx, role);
      if (leftovers.length > 0) throw kept.with(leftovers);
      await tx.query(`drop role ${quoteIdent(role)}`);
    });
    return undefined;
  } catch (error) {
    if (error === kept) return kept.leftovers;
    throw error;
  }
}

/** Thrown out of the transaction to roll it back, carrying what kept the role. */
class KeptRole {
  leftovers: Leftover[] = [];
  with(leftovers: Leftover[]): this {
    this.leftovers = leftovers;
    return this;
  }
}

/** `launchdb_orphans`, NOLOGIN, made the first time a role's objects need a home on this server. */
export async function ensureOrphansRole(tx: Queryable): Promise<void> {
  await tx.query(`do $$
    begin
      create role ${quoteIdent(ORPHANS_ROLE)} nologin;
      comment on role ${quoteIdent(ORPHANS_ROLE)} is
        'launchdb: owns what ended personal roles owned; review it, then reassign or drop it';
    exception when duplicate_object or unique_violation then
      null; -- made before, or by another database's revoke at this very moment
    end $$`);
}

const DEPENDENCY: Record<string, string> = {
  o: 'owner',
  a: 'privileges',
  r: 'policy',
  i: 'initial privileges',
  t: 'tablespace',
};

/** Every `pg_shdepend` row naming the role, described where this database can describe it. */
export async function leftoversOf(db: Queryable, role: string): Promise<Leftover[]> {
  const { rows } = await db.query<{
    database: string | null;
    catalog: string;
    objid: number;
    described: string | null;
    deptype: string;
  }>(
    `select db.datname::text as database, d.classid::regclass::text as catalog, d.objid::bigint::int as objid,
            case when d.dbid = 0 or d.dbid = (select oid from pg_database where datname = current_database())
                 then pg_describe_object(d.classid, d.objid, d.objsubid) end as described,
            d.deptype::text as deptype
       from pg_shdepend d
       left join pg_database db on db.oid = d.dbid
      where d.refclassid = 'pg_authid'::regclass
        and d.refobjid = (select oid from pg_roles where rolname = $1)
      order by db.datname nulls first, d.classid, d.objid`,
    [role],
  );
  return rows.map((row) => ({
    object:
      row.described ?? `${KIND_OF_CATALOG[row.catalog] ?? 'an object'} (${row.catalog} oid ${row.objid})`,
    database: row.database,
    dependency: DEPENDENCY[row.deptype] ?? row.deptype,
  }));
}

const KIND_OF_CATALOG: Record<string, string> = {
  pg_class: 'a table, view, sequence or index',
  pg_proc: 'a function',
  pg_namespace: 'a schema',
  pg_type: 'a type',
  pg_default_acl: 'default privileges',
  pg_largeobject_metadata: 'a large object',
};

/** `owner of table public.notes in database other_db`: one leftover as a line. */
export function describeLeftover(leftover: Leftover): string {
  const where = leftover.database ? ` in database ${leftover.database}` : '';
  return `${leftover.dependency} of ${leftover.object}${where}`;
}
