// Snapshot reader for user types: enums, domains, composite, range and base types, in one query.
import {
  commentOf,
  notInExtension,
  ownerField,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { DomainEntry, EnumEntry, TypeEntry } from './snapshot-types.js';

interface TypeRow {
  key: string;
  typtype: string;
  labels: string[] | null;
  base_type: string | null;
  not_null: boolean;
  default: string | null;
  collation: string | null;
  constraints: string[] | null;
  definition: string | null;
  owner: string;
  comment: string | null;
}

export interface UserTypes {
  enums: Record<string, EnumEntry>;
  domains: Record<string, DomainEntry>;
  types: Record<string, TypeEntry>;
}

const KINDS: Record<string, TypeEntry['kind']> = { c: 'composite type', r: 'range type', b: 'base type' };

/**
 * Left out: the row types of tables and views (they are the relation), array types and the
 * multiranges Postgres makes for each range (they come with their element type).
 */
export async function readTypes(scope: Scope): Promise<UserTypes> {
  const rows = await select<TypeRow>(
    scope,
    `select ${qualifiedKey('n.nspname', 't.typname')} as key, t.typtype::text as typtype,
            case when t.typtype = 'e' then array(
              select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as labels,
            case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base_type,
            t.typnotnull as not_null, t.typdefault as default,
            case when t.typtype = 'd' and t.typcollation <> b.typcollation then (
              select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co
                join pg_namespace cn on cn.oid = co.collnamespace where co.oid = t.typcollation) end as collation,
            case when t.typtype = 'd' then array(
              select 'CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid)
                from pg_constraint k where k.contypid = t.oid and k.contype <> 'n') end as constraints,
            case t.typtype
              when 'c' then (
                select '(' || coalesce(string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                                  ', ' order by a.attnum), '') || ')'
                  from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped)
              when 'r' then (
                select concat_ws(', ', 'SUBTYPE = ' || format_type(r.rngsubtype, null),
                         (select 'COLLATION = ' || case when co.collnamespace <> 'pg_catalog'::regnamespace
                                   then quote_ident(cn.nspname) || '.' else '' end || quote_ident(co.collname)
                            from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
                           where co.oid = r.rngcollation),
                         case when r.rngsubdiff::oid <> 0 then 'SUBTYPE_DIFF = ' || r.rngsubdiff::regprocedure::text end,
                         case when r.rngcanonical::oid <> 0 then 'CANONICAL = ' || r.rngcanonical::regprocedure::text end)
                  from pg_range r where r.rngtypid = t.oid)
              when 'b' then concat_ws(', ', 'INPUT = ' || t.typinput::regprocedure::text,
                                      'OUTPUT = ' || t.typoutput::regprocedure::text,
                                      'INTERNALLENGTH = ' || t.typlen)
            end as definition,
            pg_get_userbyid(t.typowner)::text as owner, ${commentOf('pg_type', 't.oid')} as comment
       from pg_type t
       join pg_namespace n on n.oid = t.typnamespace
       left join pg_type b on b.oid = t.typbasetype
       left join pg_class c on c.oid = t.typrelid
      where t.typtype in ('e', 'd', 'c', 'r', 'b')
        and (t.typrelid = 0 or c.relkind = 'c')
        and not (t.typtype = 'b' and t.typcategory = 'A')
        and ${userSchema('n')} and ${notInExtension('pg_type', 't.oid')}`,
  );
  const found: UserTypes = { enums: {}, domains: {}, types: {} };
  for (const row of rows) {
    const common = { comment: row.comment, ...ownerField(scope, row.owner) };
    if (row.typtype === 'e') {
      found.enums[row.key] = { labels: row.labels ?? [], ...common };
    } else if (row.typtype === 'd') {
      found.domains[row.key] = {
        type: row.base_type ?? '',
        notNull: row.not_null,
        default: row.default,
        collation: row.collation,
        constraints: [...(row.constraints ?? [])].sort(),
        ...common,
      };
    } else {
      found.types[row.key] = { kind: KINDS[row.typtype]!, definition: row.definition ?? '', ...common };
    }
  }
  return found;
}
