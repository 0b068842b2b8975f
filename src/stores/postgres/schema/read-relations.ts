// Snapshot readers for relations: tables and their columns, views, materialized views and sequences.
import {
  collapse,
  commentOf,
  keyName,
  keyOf,
  notInExtension,
  ownerField,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { ColumnEntry, SequenceEntry, TableEntry, ViewEntry } from './snapshot-types.js';

const TABLE_KINDS: Record<string, TableEntry['kind']> = {
  r: 'table',
  p: 'partitioned table',
  f: 'foreign table',
};
const REPLICA_IDENTITY: Record<string, TableEntry['replicaIdentity']> = {
  d: 'default',
  n: 'nothing',
  f: 'full',
  i: 'index',
};

/** Relations of `kinds` in user schemas, not owned by an extension. */
function relationsOf(kinds: string): string {
  return `pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in (${kinds}) and ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`;
}

export async function readTables(scope: Scope): Promise<Record<string, TableEntry>> {
  const rows = await select<{
    key: string;
    relkind: string;
    persistence: string;
    partition_key: string | null;
    partition_of: string | null;
    partition_bound: string | null;
    inherits: string[];
    options: string[];
    row_security: boolean;
    force_row_security: boolean;
    replident: string;
    owner: string;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as key, c.relkind::text as relkind,
            c.relpersistence::text as persistence,
            case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
            case when c.relispartition then (
              select ${qualifiedKey('pn.nspname', 'pc.relname')} from pg_inherits i
                join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
               where i.inhrelid = c.oid) end as partition_of,
            case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
            array(select ${qualifiedKey('pn.nspname', 'pc.relname')} from pg_inherits i
                    join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
                   where i.inhrelid = c.oid and not c.relispartition order by i.inhseqno) as inherits,
            coalesce(c.reloptions, '{}')::text[] as options,
            c.relrowsecurity as row_security, c.relforcerowsecurity as force_row_security,
            c.relreplident::text as replident, pg_get_userbyid(c.relowner)::text as owner,
            ${commentOf('pg_class', 'c.oid')} as comment
       from ${relationsOf(`'r', 'p', 'f'`)}`,
  );
  const tables: Record<string, TableEntry> = {};
  for (const row of rows) {
    tables[row.key] = {
      kind: TABLE_KINDS[row.relkind]!,
      unlogged: row.persistence === 'u',
      partitionKey: row.partition_key,
      partitionOf: row.partition_of,
      partitionBound: row.partition_bound,
      inherits: row.inherits,
      options: [...row.options].sort(),
      rowSecurity: row.row_security,
      forceRowSecurity: row.force_row_security,
      replicaIdentity: REPLICA_IDENTITY[row.replident] ?? 'default',
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
  }
  return tables;
}

export async function readColumns(scope: Scope): Promise<Record<string, ColumnEntry>> {
  // attgenerated arrived in Postgres 12; 'v' (virtual) in 18.
  const generated = scope.version >= 120000 ? 'a.attgenerated' : `''::"char"`;
  // attcompression arrived in Postgres 14. attstattarget is -1 when unset before 17, null from 17.
  // Of attoptions only the options `SET (…)` takes: a server may keep its own there (one stamps
  // every new column with `pg_attver=…`), which no restore could give back.
  const compression = scope.version >= 140000 ? 'a.attcompression' : `''::"char"`;
  const rows = await select<{
    relid: number;
    attnum: number;
    schema: string;
    relation: string;
    name: string;
    type: string;
    not_null: boolean;
    identity: string;
    generated: string;
    expression: string | null;
    collation: string | null;
    comment: string | null;
    storage: string | null;
    statistics: number | null;
    options: string[] | null;
    compression: string;
  }>(
    scope,
    // Names are keyed here, not in SQL: 16,000 columns' regular expressions are the server's time.
    // A default without a column reference is printed without its table, which spares the server
    // opening every table (pg_get_expr with a table does, to name its columns): the same text.
    `select a.attrelid as relid, a.attnum, n.nspname::text as schema, c.relname::text as relation,
            a.attname::text as name,
            format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
            a.attidentity::text as identity, ${generated}::text as generated,
            pg_get_expr(ad.adbin, case when ad.adbin::text ~ '{VAR ' then ad.adrelid else 0 end) as expression,
            case when a.attcollation <> t.typcollation then (
              select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co
                join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end as collation,
            d.description as comment,
            case when a.attstorage <> t.typstorage then a.attstorage::text end as storage,
            nullif(a.attstattarget::int, -1) as statistics,
            case when a.attoptions is not null then
              array(select o from unnest(a.attoptions) o where o ~ '^n_distinct(_inherited)?=') end as options,
            ${compression}::text as compression
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_type t on t.oid = a.atttypid
       left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
       left join pg_description d on d.objoid = a.attrelid and d.classoid = 'pg_class'::regclass
                                 and d.objsubid = a.attnum
      where c.relkind in ('r', 'p', 'f') and a.attnum > 0 and not a.attisdropped
        and ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`,
  );
  // In table then column order, sorted here: the server's sort of such wide rows spills to disk.
  rows.sort((a, b) => a.relid - b.relid || a.attnum - b.attnum);
  const columns: Record<string, ColumnEntry> = {};
  let relid = -1;
  let table = '';
  let position = 0;
  for (const row of rows) {
    if (row.relid !== relid) {
      relid = row.relid;
      table = `${keyOf(row.schema)}.${keyOf(row.relation)}`;
      position = 0;
    }
    position++;
    const isGenerated = row.generated !== '';
    columns[`${table}.${keyOf(row.name)}`] = {
      table,
      position,
      type: row.type,
      notNull: row.not_null,
      default: isGenerated ? null : row.expression,
      identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
      generated: isGenerated ? `${row.expression} ${row.generated === 's' ? 'stored' : 'virtual'}` : null,
      collation: row.collation,
      comment: row.comment,
      ...columnSettings(row),
    };
  }
  return columns;
}

const STORAGE: Record<string, NonNullable<ColumnEntry['storage']>> = {
  p: 'plain',
  e: 'external',
  x: 'extended',
  m: 'main',
};
const COMPRESSION: Record<string, string> = { p: 'pglz', l: 'lz4' };

/** A column's storage and statistics settings, each only when set, so columns without any read as before. */
function columnSettings(row: {
  storage: string | null;
  statistics: number | null;
  options: string[] | null;
  compression: string;
}): Pick<ColumnEntry, 'storage' | 'statistics' | 'options' | 'compression'> {
  const settings: Pick<ColumnEntry, 'storage' | 'statistics' | 'options' | 'compression'> = {};
  if (row.storage !== null && STORAGE[row.storage]) settings.storage = STORAGE[row.storage];
  if (row.statistics !== null) settings.statistics = row.statistics;
  if (row.options && row.options.length > 0) settings.options = [...row.options].sort();
  if (row.compression !== '') settings.compression = COMPRESSION[row.compression] ?? row.compression;
  return settings;
}

/** SQL: a view's commented columns with their comments, in column order (for two arrays alike). */
const VIEW_COLUMN_COMMENTS = `pg_attribute a join pg_description d on d.objoid = a.attrelid
  and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum
  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum`;

export async function readViews(scope: Scope): Promise<Record<string, ViewEntry>> {
  const rows = await select<{
    key: string;
    relkind: string;
    definition: string;
    columns: string[];
    options: string[];
    populated: boolean;
    owner: string;
    comment: string | null;
    commented: string[];
    column_comments: string[];
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as key, c.relkind::text as relkind,
            pg_get_viewdef(c.oid) as definition, coalesce(c.reloptions, '{}')::text[] as options,
            array(select ${keyName('a.attname')} || ' ' || format_type(a.atttypid, a.atttypmod)
                    from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                   order by a.attnum) as columns,
            c.relispopulated as populated, pg_get_userbyid(c.relowner)::text as owner,
            ${commentOf('pg_class', 'c.oid')} as comment,
            array(select ${keyName('a.attname')} from ${VIEW_COLUMN_COMMENTS}) as commented,
            array(select d.description from ${VIEW_COLUMN_COMMENTS}) as column_comments
       from ${relationsOf(`'v', 'm'`)}`,
  );
  const views: Record<string, ViewEntry> = {};
  for (const row of rows) {
    views[row.key] = {
      materialized: row.relkind === 'm',
      definition: collapse(row.definition).replace(/;$/, ''),
      columns: row.columns,
      options: [...row.options].sort(),
      populated: row.populated,
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
    if (row.commented.length > 0) {
      const pairs = row.commented.map((name, i) => [name, row.column_comments[i]!] as const);
      views[row.key]!.columnComments = Object.fromEntries(
        pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
  }
  return views;
}

export async function readSequences(scope: Scope): Promise<Record<string, SequenceEntry>> {
  const rows = await select<{
    key: string;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
    owned_by: string | null;
    owner: string;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as key, format_type(s.seqtypid, null) as type,
            s.seqstart::text as start, s.seqincrement::text as increment, s.seqmin::text as min,
            s.seqmax::text as max, s.seqcache::text as cache, s.seqcycle as cycle,
            (select ${qualifiedKey('tn.nspname', 'tc.relname')} || '.' || ${keyName('ta.attname')}
               from pg_depend d
               join pg_class tc on tc.oid = d.refobjid
               join pg_namespace tn on tn.oid = tc.relnamespace
               join pg_attribute ta on ta.attrelid = d.refobjid and ta.attnum = d.refobjsubid
              where d.classid = 'pg_class'::regclass and d.objid = c.oid
                and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0 and d.deptype in ('a', 'i')
              limit 1) as owned_by,
            pg_get_userbyid(c.relowner)::text as owner, ${commentOf('pg_class', 'c.oid')} as comment
       from pg_sequence s
       join pg_class c on c.oid = s.seqrelid
       join pg_namespace n on n.oid = c.relnamespace
      where ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`,
  );
  const sequences: Record<string, SequenceEntry> = {};
  for (const row of rows) {
    sequences[row.key] = {
      type: row.type,
      start: row.start,
      increment: row.increment,
      min: row.min,
      max: row.max,
      cache: row.cache,
      cycle: row.cycle,
      ownedBy: row.owned_by,
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
  }
  return sequences;
}
