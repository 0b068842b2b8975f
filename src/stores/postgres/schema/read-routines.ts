// Snapshot readers for functions, procedures and aggregates, and for triggers and rules.
import {
  collapse,
  commentOf,
  keyName,
  notInExtension,
  ownerField,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { FunctionEntry, RuleEntry, TriggerEntry } from './snapshot-types.js';

const FUNCTION_KINDS: Record<string, FunctionEntry['kind']> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window function',
};

/** SQL: `prokind` (Postgres 11+), or its older spelling. */
export function prokind(scope: Scope, alias = 'p'): string {
  return scope.version >= 110000
    ? `${alias}.prokind::text`
    : `case when ${alias}.proisagg then 'a' when ${alias}.proiswindow then 'w' else 'f' end`;
}

/** SQL: a function's key, `schema.name(argument types)`, the way grants name it too. */
export function functionKey(alias = 'p', namespace = 'n'): string {
  return `${qualifiedKey(`${namespace}.nspname`, `${alias}.proname`)} || '(' || oidvectortypes(${alias}.proargtypes) || ')'`;
}

/** SQL: not made by Postgres for another object, such as the constructors of a range type. */
export function notInternal(alias = 'p'): string {
  return `not exists (select 1 from pg_depend i where i.classid = 'pg_proc'::regclass
    and i.objid = ${alias}.oid and i.deptype = 'i')`;
}

export async function readFunctions(scope: Scope): Promise<Record<string, FunctionEntry>> {
  const rows = await select<{
    key: string;
    kind: string;
    definition: string;
    owner: string;
    comment: string | null;
  }>(
    scope,
    // pg_get_functiondef refuses aggregates: they are spelled out from pg_aggregate instead.
    `select ${functionKey()} as key, ${prokind(scope)} as kind,
            case when ${prokind(scope)} = 'a' then (
              select 'AGGREGATE ' || ${functionKey()} || ' (' || concat_ws(', ',
                       'SFUNC = ' || g.aggtransfn::regprocedure::text,
                       'STYPE = ' || format_type(g.aggtranstype, null),
                       case when g.aggfinalfn::oid <> 0 then 'FINALFUNC = ' || g.aggfinalfn::regprocedure::text end,
                       case when g.aggcombinefn::oid <> 0 then 'COMBINEFUNC = ' || g.aggcombinefn::regprocedure::text end,
                       case when g.agginitval is not null then 'INITCOND = ' || quote_literal(g.agginitval) end,
                       case when g.aggsortop <> 0 then 'SORTOP = ' || g.aggsortop::regoperator::text end,
                       case when g.aggkind <> 'n' then 'KIND = ' || g.aggkind::text end) || ')'
                from pg_aggregate g where g.aggfnoid = p.oid)
            else pg_get_functiondef(p.oid) end as definition,
            pg_get_userbyid(p.proowner)::text as owner, ${commentOf('pg_proc', 'p.oid')} as comment
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${userSchema('n')} and ${notInExtension('pg_proc', 'p.oid')} and ${notInternal()}`,
  );
  const functions: Record<string, FunctionEntry> = {};
  for (const row of rows) {
    functions[row.key] = {
      kind: FUNCTION_KINDS[row.kind] ?? 'function',
      definition: row.definition.trimEnd(),
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
  }
  return functions;
}

const ENABLED: Record<string, TriggerEntry['enabled']> = {
  O: 'origin',
  A: 'always',
  R: 'replica',
  D: 'disabled',
};

/** A trigger or a rule as read: the table it is on, its name and definition, and pg's enabled letter. */
interface OnTableRow {
  table: string;
  name: string;
  definition: string;
  enabled: string;
  comment: string | null;
}

/** Triggers or rules keyed `table.name`, each definition through `definitionOf`. */
function onTables(
  rows: OnTableRow[],
  definitionOf: (definition: string) => string = (definition) => definition,
): Record<string, TriggerEntry | RuleEntry> {
  const entries: Record<string, TriggerEntry | RuleEntry> = {};
  for (const row of rows) {
    entries[`${row.table}.${row.name}`] = {
      table: row.table,
      definition: definitionOf(row.definition),
      enabled: ENABLED[row.enabled] ?? 'origin',
      comment: row.comment,
    };
  }
  return entries;
}

/**
 * Internal triggers (behind foreign keys) are the constraint's; the clones a partitioned table's
 * trigger puts on each partition (Postgres 13+ marks them with tgparentid) are the parent's.
 */
export async function readTriggers(scope: Scope): Promise<Record<string, TriggerEntry>> {
  const clones = scope.version >= 130000 ? 'and g.tgparentid = 0' : '';
  const rows = await select<OnTableRow>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as table, ${keyName('g.tgname')} as name,
            pg_get_triggerdef(g.oid) as definition, g.tgenabled::text as enabled,
            ${commentOf('pg_trigger', 'g.oid')} as comment
       from pg_trigger g
       join pg_class c on c.oid = g.tgrelid
       join pg_namespace n on n.oid = c.relnamespace
      where not g.tgisinternal ${clones}
        and ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}`,
  );
  return onTables(rows);
}

/** Rules on tables and views, but not a view's `_RETURN` rule: that is the view's query, under `views`. */
export async function readRules(scope: Scope): Promise<Record<string, RuleEntry>> {
  const rows = await select<OnTableRow>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.relname')} as table, ${keyName('r.rulename')} as name,
            pg_get_ruledef(r.oid) as definition, r.ev_enabled::text as enabled,
            ${commentOf('pg_rewrite', 'r.oid')} as comment
       from pg_rewrite r
       join pg_class c on c.oid = r.ev_class
       join pg_namespace n on n.oid = c.relnamespace
      where r.rulename <> '_RETURN'
        and ${userSchema('n')} and ${notInExtension('pg_class', 'c.oid')}
        and ${notInExtension('pg_rewrite', 'r.oid')}`,
  );
  return onTables(rows, (definition) => collapse(definition).replace(/;$/, ''));
}
