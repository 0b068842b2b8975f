// The server's count of rows written to a table (pg_stat_user_tables: n_tup_ins + n_tup_upd +
// n_tup_del, over its partitions), read so that the counts are fresh.
//
// Two things make a single read wrong: each session keeps its counts to itself and flushes them at
// most about once a second, and up to 10 s late when it goes idle right after a flush (Postgres 15's
// idle interval); and a reading transaction caches what it read first (stats_fetch_consistency).
// So the snapshot is cleared before every read, and callers poll (see record-evidence.ts).
import type { Queryable } from '../database.js';

/** Written rows per table oid (a partitioned table's are its partitions'; pg_partition_tree lists no plain table). */
export type TableWrites = Map<number, number>;

export type CountersAt = { available: true; writes: TableWrites } | { available: false; reason: string };

export async function readTableWrites(db: Queryable, oids: readonly number[]): Promise<CountersAt> {
  const { rows: setting } = await db.query<{ track_counts: string }>(
    `select current_setting('track_counts') as track_counts`,
  );
  if (setting[0]?.track_counts !== 'on') {
    return { available: false, reason: 'the server does not count writes to tables (track_counts is off)' };
  }
  await db.query('select pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ oid: string | number; written: string | number }>(
    `select t.oid::int8 as oid, coalesce(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del), 0)::int8 as written
       from unnest($1::text::oid[]) as t(oid)
       cross join lateral (select t.oid as relid union select relid from pg_partition_tree(t.oid)) p
       left join pg_stat_user_tables s on s.relid = p.relid
      group by t.oid`,
    [`{${oids.join(',')}}`],
  );
  return { available: true, writes: new Map(rows.map((row) => [Number(row.oid), Number(row.written)])) };
}
