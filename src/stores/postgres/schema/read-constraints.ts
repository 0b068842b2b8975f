// Snapshot readers for table constraints, indexes and extended statistics, each by its definition as
// the server prints it.
import {
  commentOf,
  keyName,
  notInExtension,
  ownerField,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { ConstraintEntry, IndexEntry, StatisticsEntry } from './snapshot-types.js';

const CONSTRAINT_TYPES: Record<string, ConstraintEntry['type']> = {
  p: 'primary key',
  u: 'unique constraint',
  f: 'foreign key',
  c: 'check constraint',
  x: 'exclusion constraint',
};

/**
 * Not-null constraints (`n`, catalogued since Postgres 18) are left out: a column's `notNull` says
 * it on every version. Constraint triggers (`t`) are under triggers.
 */
export async function readConstraints(scope: Scope): Promise<Record<string, ConstraintEntry>> {
  const rows = await select<{
    table: string;
    name: string;
    contype: string;
    definition: string;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as table, ${keyName('k.conname')} as name,
            k.contype::text as contype, pg_get_constraintdef(k.oid) as definition,
            ${commentOf('pg_constraint', 'k.oid')} as comment
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype in ('p', 'u', 'f', 'c', 'x')
        and ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`,
  );
  const constraints: Record<string, ConstraintEntry> = {};
  for (const row of rows) {
    constraints[`${row.table}.${row.name}`] = {
      table: row.table,
      type: CONSTRAINT_TYPES[row.contype]!,
      definition: row.definition,
      comment: row.comment,
    };
  }
  return constraints;
}

/** Indexes a primary key, unique or exclusion constraint owns are that constraint: reported once, there. */
export async function readIndexes(scope: Scope): Promise<Record<string, IndexEntry>> {
  const rows = await select<{
    key: string;
    table: string;
    definition: string;
    valid: boolean;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'i.relname')} as key, ${qualifiedKey('tn.nspname', 't.relname')} as table,
            pg_get_indexdef(x.indexrelid) as definition, x.indisvalid as valid,
            ${commentOf('pg_class', 'i.oid')} as comment
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_namespace n on n.oid = i.relnamespace
       join pg_class t on t.oid = x.indrelid
       join pg_namespace tn on tn.oid = t.relnamespace
      where t.relkind in ('r', 'p', 'm', 'f')
        and ${userSchema('tn')} and ${notInExtension('pg_class', 't.oid')}
        and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid
                          and k.conrelid = x.indrelid and k.contype in ('p', 'u', 'x'))`,
  );
  const indexes: Record<string, IndexEntry> = {};
  for (const row of rows) {
    indexes[row.key] = {
      table: row.table,
      definition: row.definition,
      valid: row.valid,
      comment: row.comment,
    };
  }
  return indexes;
}

/**
 * Extended statistics objects (`CREATE STATISTICS`). Their target is -1 by default on Postgres 15
 * and 16, null from 17: both are recorded as null.
 */
export async function readStatistics(scope: Scope): Promise<Record<string, StatisticsEntry>> {
  const rows = await select<{
    key: string;
    table: string;
    definition: string;
    target: number | null;
    owner: string;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 's.stxname')} as key, ${qualifiedKey('tn.nspname', 't.relname')} as table,
            pg_get_statisticsobjdef(s.oid) as definition, nullif(s.stxstattarget::int, -1) as target,
            pg_get_userbyid(s.stxowner)::text as owner, ${commentOf('pg_statistic_ext', 's.oid')} as comment
       from pg_statistic_ext s
       join pg_namespace n on n.oid = s.stxnamespace
       join pg_class t on t.oid = s.stxrelid
       join pg_namespace tn on tn.oid = t.relnamespace
      where ${userSchema('n')} and ${userSchema('tn')}
        and ${notInExtension('pg_statistic_ext', 's.oid')} and ${notInExtension('pg_class', 't.oid')}`,
  );
  const statistics: Record<string, StatisticsEntry> = {};
  for (const row of rows) {
    statistics[row.key] = {
      table: row.table,
      definition: row.definition,
      target: row.target,
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
  }
  return statistics;
}
