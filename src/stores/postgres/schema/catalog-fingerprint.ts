// A fingerprint of a database's catalogs as they stand: which row versions they hold, not what the
// rows say. Postgres never changes a catalog row where it lies (but for the few fields listed below):
// CREATE, ALTER, DROP, GRANT, COMMENT and the rest write new row versions, each with its place (ctid)
// and the id of the transaction that wrote it (xmin), and an id is never given out twice in an epoch.
// So any change to the schema gives another set of (catalog, ctid, xmin), and another fingerprint;
// a drift run that finds the fingerprint it last read in full may reuse that reading.
import type { Queryable } from '../database.js';

/**
 * Catalogs no snapshot depends on, left out so they do not change the fingerprint for nothing:
 * planner statistics (ANALYZE rewrites them), large objects' data, user mappings' secrets.
 */
const UNRELATED = [
  'pg_statistic',
  'pg_statistic_ext_data',
  'pg_largeobject',
  'pg_largeobject_metadata',
  'pg_user_mapping',
];

/**
 * Fields Postgres overwrites in place, without a new row version, that a snapshot reads: an index's
 * validity (CREATE and DROP INDEX CONCURRENTLY). Hashed by value. (The others — pg_class's page and
 * row counts, frozen ids, has-index and has-rules flags; pg_database's — are read by no snapshot.)
 */
const IN_PLACE: Record<string, string> = {
  pg_index: `hashtextextended(indisvalid::text || indisready::text || indislive::text, 0)`,
};

/**
 * The fingerprint of `db`'s catalogs, or undefined when none can be trusted (never throws):
 *
 * - every catalog of the database is hashed, row version by row version (the shared ones are the
 *   server's: of those, a snapshot reads role names, hashed by value); one this role may not read, or
 *   a server before Postgres 13 (no `hashtidextended`), gives none;
 * - ids are unique only within one running server and one epoch of 2^32 transactions: the server's
 *   start time (a copy of its files, restored or cloned, starts anew) and the epoch are part of it;
 * - a row written 2^32 transactions ago keeps its 32-bit id, which the server will give out again
 *   in this epoch if it is at or past the next id: while any catalog row's is, a later row could
 *   carry it, so there is no fingerprint until the counter has passed them all. (A transaction
 *   running now has an id below the next, maybe an old row's: it cannot write where that row is,
 *   since no row it outlives is vacuumed away while it runs.)
 *
 * An embedded database starts a server each time it is opened: its fingerprints never match.
 */
export async function catalogFingerprint(db: Queryable): Promise<string | undefined> {
  const { rows: catalogs } = await db
    .query<{ oid: number; name: string; readable: boolean; usable: boolean }>(
      `select c.oid::int as oid, c.relname::text as name, has_table_privilege(c.oid, 'select') as readable,
              to_regprocedure('pg_catalog.hashtidextended(tid, bigint)') is not null
                and to_regprocedure('pg_catalog.pg_current_snapshot()') is not null as usable
         from pg_catalog.pg_class c
        where c.relnamespace = 'pg_catalog'::regnamespace and c.relkind = 'r' and not c.relisshared
          and c.relname <> all($1::text[])
        order by c.oid`,
      [UNRELATED],
    )
    .catch(() => ({ rows: [] }));
  if (!catalogs[0]?.usable || catalogs.some((catalog) => !catalog.readable)) return undefined;
  // Each row version as a 64-bit hash of its catalog, place and writer; summed (as numeric: no
  // overflow), so the order rows come in does not matter. Its id as a number, for the newest.
  const versions = catalogs.map(({ oid, name }) => {
    const version = `hashtidextended(ctid, xmin::text::bigint # (${oid}::bigint << 32))`;
    const hash = IN_PLACE[name] ? `${version} # ${IN_PLACE[name]}` : version;
    return `select ${hash} as h, xmin::text::bigint as id from pg_catalog.${name}`;
  });
  versions.push(`select hashtextextended(oid::text || ' ' || rolname, 1), 0 from pg_catalog.pg_roles`);
  const { rows } = await db
    .query<{ fingerprint: string; safe: boolean }>(
      `with snapshot as (select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as next),
          versions as (select count(*) as count, coalesce(sum(h), 0) as sum, max(id) as newest
                         from (${versions.join('\nunion all ')}) v)
     select concat_ws(':', pg_postmaster_start_time(),
                      (select d.oid from pg_catalog.pg_database d where d.datname = current_database()),
                      s.next >> 32, v.count, v.sum) as fingerprint,
            v.newest < s.next % 4294967296 as safe
       from snapshot s, versions v`,
    )
    .catch(() => ({ rows: [] }));
  const row = rows[0];
  return row?.safe ? row.fingerprint : undefined;
}
