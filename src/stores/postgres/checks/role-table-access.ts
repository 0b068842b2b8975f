// What a role may do to the app's tables, as Postgres resolves it (memberships, PUBLIC, column
// grants): schema USAGE, the four DML rights, the sequences its inserts call, and the default
// privileges the next migration's tables will get; each gap with the statement that closes it.
import { appTablesSql, HISTORY_TABLES, heldRightsSql } from '../access/app-tables.js';
import type { Queryable } from '../database.js';
import { defaultGrants, type Grants } from '../provision/privileges.js';

export const TABLE_RIGHTS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
export type TableRight = (typeof TABLE_RIGHTS)[number];
export const WRITE_RIGHTS: readonly TableRight[] = ['INSERT', 'UPDATE', 'DELETE'];

/** What a role should hold on a table: rights it needs, and rights it must not hold. */
export interface TableNeed {
  required: readonly TableRight[];
  forbidden: readonly TableRight[];
}

export interface AccessQuestion {
  /** The role judged, as Postgres spells it. */
  role: string;
  /** What it should hold on a table; `name` undefined: a table a later migration creates in `schema`. */
  needOf(schema: string, name: string | undefined): TableNeed;
  /**
   * The roles whose new tables it must be granted by default: the migrations' role. Undefined: the
   * owners of the app tables, but for the role itself and roles it belongs to.
   */
  creators?: string[];
}

export interface AccessGap {
  /** `USAGE on schema billing`, `INSERT, DELETE on billing.invoices`: what is lacking or too much. */
  what: string;
  /** The statement that closes it, run as the objects' owner. */
  statement: string;
}

export interface AccessAudit {
  /** The app tables judged. */
  tables: { schema: string; name: string }[];
  /** Rights it needs and lacks. */
  missing: AccessGap[];
  /** Rights it holds and must not. */
  excess: AccessGap[];
  /** Rights the next migration's tables will not grant it. */
  defaults: AccessGap[];
}

// One query whatever the schema's size, over the app tables (access/app-tables.ts). SELECT, INSERT
// and UPDATE count when granted on any column, as the app may be granted just the columns it uses.
const TABLES_SQL = `
with schema_counts as (
  -- What GRANT … ON ALL TABLES / SEQUENCES IN SCHEMA would reach besides the app tables.
  select relnamespace as nsp,
    count(*) filter (where relkind in ('r', 'p', 'v', 'm', 'f'))::int as relations,
    count(*) filter (where relkind = 'S')::int as sequences
  from pg_class group by relnamespace
),
-- The sequences a table's inserts call: a column default's (serial), or one the table owns. An
-- identity column's sequence needs no grant: INSERT on the table suffices. Read in one pass each
-- (per table, the planner walks pg_depend's classid range: 15 s for 2,000 tables).
table_sequences as (
  select ad.adrelid as table_oid, d.refobjid as seq
  from pg_attrdef ad
  join pg_depend d on d.classid = 'pg_attrdef'::regclass and d.objid = ad.oid
    and d.refclassid = 'pg_class'::regclass
  union
  select d.refobjid, d.objid from pg_depend d
  where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype = 'a'
),
sequences_of as (
  select ts.table_oid, json_agg(json_build_object(
      'name', format('%I.%I', sn.nspname, s.relname),
      'usage', has_sequence_privilege($1::name, s.oid, 'USAGE')) order by sn.nspname, s.relname) as sequences
  from table_sequences ts
  join pg_class s on s.oid = ts.seq and s.relkind = 'S'
  join pg_namespace sn on sn.oid = s.relnamespace
  group by ts.table_oid
),
app_tables as (${appTablesSql('$2')}
)
select t.schema, t.name, t.qualified, t.quoted_schema,
  pg_get_userbyid(t.relowner)::text as owner,
  pg_has_role($1::name, t.relowner, 'USAGE') as owned,
  has_schema_privilege($1::name, t.nsp, 'USAGE') as schema_usage,
  ${heldRightsSql('$1::name', 't.oid')} as held,
  -- Who the rights it has come from (itself, PUBLIC, a role it inherits): where a revoke must go.
  coalesce((
    select json_agg(distinct jsonb_build_object(
      'grantee', case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end,
      'privilege', a.privilege_type))
    from (select relacl as acl from pg_class where oid = t.oid
          union all
          select attacl from pg_attribute where attrelid = t.oid and attacl is not null) x
    cross join lateral aclexplode(x.acl) a
    left join pg_roles r on r.oid = a.grantee
    where a.privilege_type in ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
      and (a.grantee = 0 or pg_has_role($1::name, a.grantee, 'USAGE'))), '[]') as holders,
  coalesce(q.sequences, '[]') as sequences,
  k.relations as schema_relations, k.sequences as schema_sequences
from app_tables t
join schema_counts k on k.nsp = t.nsp
left join sequences_of q on q.table_oid = t.oid
order by t.schema, t.name`;

interface TableRow {
  schema: string;
  name: string;
  qualified: string;
  quoted_schema: string;
  owner: string;
  owned: boolean;
  schema_usage: boolean;
  held: TableRight[];
  holders: { grantee: string; privilege: TableRight }[] | string;
  sequences: { name: string; usage: boolean }[] | string;
  schema_relations: number;
  schema_sequences: number;
}

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? JSON.parse(value) : value);
/** `select, insert` as the statements spell rights; the summaries keep Postgres' capitals. */
const sqlList = (rights: readonly string[]) => rights.map((right) => right.toLowerCase()).join(', ');
const inOrder = (rights: Iterable<string>) => TABLE_RIGHTS.filter((right) => new Set(rights).has(right));

export async function auditTableAccess(db: Queryable, question: AccessQuestion): Promise<AccessAudit> {
  const { rows } = await db.query<TableRow>(TABLES_SQL, [question.role, HISTORY_TABLES]);
  const creators =
    question.creators ?? [...new Set(rows.filter((row) => !row.owned).map((row) => row.owner))].sort();
  const names = await quotedNames(db, [question.role, ...creators]);
  const role = names.get(question.role)!;

  const missing: AccessGap[] = [];
  const excess: AccessGap[] = [];
  const lackingUsage: AccessGap[] = [];
  const lackingSequences: AccessGap[] = [];
  const schemasInUse = new Map<string, string>(); // schema → quoted

  for (const [schema, tables] of groupBy(rows, (row) => row.schema)) {
    const needs = tables.map((table) => question.needOf(table.schema, table.name));
    const lacking = tables.map((table, i) =>
      needs[i]!.required.filter((right) => !table.held.includes(right)),
    );
    const quotedSchema = tables[0]!.quoted_schema;
    if (needs.some((need) => need.required.length > 0)) {
      schemasInUse.set(schema, quotedSchema);
      if (!tables[0]!.schema_usage) {
        lackingUsage.push({
          what: `USAGE on schema ${quotedSchema}`,
          statement: `grant usage on schema ${quotedSchema} to ${role};`,
        });
      }
    }

    // One statement for the schema when it reaches exactly these tables, all lacking the same rights.
    const same = lacking[0]!.join();
    const wholeSchema =
      tables.length > 1 &&
      tables.length === tables[0]!.schema_relations &&
      lacking.every((rights) => rights.length > 0 && rights.join() === same) &&
      needs.every((need) => !need.forbidden.some((right) => lacking[0]!.includes(right)));
    if (wholeSchema) {
      missing.push({
        what: `${lacking[0]!.join(', ')} on all ${tables.length} tables in schema ${quotedSchema}`,
        statement: `grant ${sqlList(lacking[0]!)} on all tables in schema ${quotedSchema} to ${role};`,
      });
    } else {
      tables.forEach((table, i) => {
        if (lacking[i]!.length === 0) return;
        missing.push({
          what: `${lacking[i]!.join(', ')} on ${table.qualified}`,
          statement: `grant ${sqlList(lacking[i]!)} on ${table.qualified} to ${role};`,
        });
      });
    }

    // Sequences its inserts call, for tables it must insert into.
    const sequences = new Map<string, boolean>();
    tables.forEach((table, i) => {
      if (!needs[i]!.required.includes('INSERT')) return;
      for (const sequence of parsed(table.sequences)) sequences.set(sequence.name, sequence.usage);
    });
    const unusable = [...sequences].filter(([, usage]) => !usage).map(([name]) => name);
    if (unusable.length > 1 && unusable.length === tables[0]!.schema_sequences) {
      lackingSequences.push({
        what: `USAGE on all ${unusable.length} sequences in schema ${quotedSchema}`,
        statement: `grant usage on all sequences in schema ${quotedSchema} to ${role};`,
      });
    } else {
      for (const name of unusable) {
        lackingSequences.push({
          what: `USAGE on sequence ${name}`,
          statement: `grant usage on sequence ${name} to ${role};`,
        });
      }
    }

    // Rights it must not hold; what it owns is access.app-role-ddl's finding, not a revoke's.
    tables.forEach((table, i) => {
      const held = needs[i]!.forbidden.filter((right) => table.held.includes(right));
      if (held.length === 0 || table.owned) return;
      const holders = groupBy(
        parsed(table.holders).filter((holder) => held.includes(holder.privilege)),
        (holder) => holder.grantee,
      );
      if (holders.size === 0)
        holders.set(
          role,
          held.map((privilege) => ({ grantee: role, privilege })),
        );
      for (const [grantee, grants] of holders) {
        const rights = inOrder(grants.map((grant) => grant.privilege));
        excess.push({
          what: `${rights.join(', ')} on ${table.qualified}${grantee === role ? '' : ` (through ${grantee})`}`,
          statement: `revoke ${sqlList(rights)} on ${table.qualified} from ${grantee};`,
        });
      }
    });
  }
  missing.unshift(...lackingUsage);
  missing.push(...lackingSequences);

  const defaults: AccessGap[] = [];
  if (schemasInUse.size > 0 && creators.length > 0) {
    const grantees = await granteesOf(db, question.role);
    for (const creator of creators) {
      const everywhere = {
        r: await defaultGrants(db, creator, undefined, 'r'),
        S: await defaultGrants(db, creator, undefined, 'S'),
      };
      for (const [schema, quotedSchema] of schemasInUse) {
        const need = question.needOf(schema, undefined);
        const alter = `alter default privileges for role ${names.get(creator)} in schema ${quotedSchema} grant`;
        const tables = heldBy(grantees, everywhere.r, await defaultGrants(db, creator, schema, 'r'));
        const lacking = need.required.filter((right) => !tables.has(right));
        if (lacking.length > 0) {
          defaults.push({
            what: `${lacking.join(', ')} on new tables of ${names.get(creator)} in schema ${quotedSchema}`,
            statement: `${alter} ${sqlList(lacking)} on tables to ${role};`,
          });
        }
        const sequences = heldBy(grantees, everywhere.S, await defaultGrants(db, creator, schema, 'S'));
        if (need.required.includes('INSERT') && !sequences.has('USAGE')) {
          defaults.push({
            what: `USAGE on new sequences of ${names.get(creator)} in schema ${quotedSchema}`,
            statement: `${alter} usage on sequences to ${role};`,
          });
        }
      }
    }
  }
  return { tables: rows.map(({ schema, name }) => ({ schema, name })), missing, excess, defaults };
}

/** Items by key, in first-seen order (Map.groupBy is Node 21+). */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Names as SQL spells them: `shop_app`, `"Shop-App"`. */
async function quotedNames(db: Queryable, names: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; quoted: string }>(
    'select name, quote_ident(name) as quoted from unnest($1::text[]) as name',
    [names],
  );
  return new Map(rows.map((row) => [row.name, row.quoted]));
}

/** The grantees whose rights the role has: itself, the roles it inherits from, and PUBLIC. */
async function granteesOf(db: Queryable, role: string): Promise<Set<string>> {
  const { rows } = await db.query<{ rolname: string }>(
    `select rolname::text from pg_roles where pg_has_role($1::name, oid, 'USAGE')`,
    [role],
  );
  return new Set(['PUBLIC', ...rows.map((row) => row.rolname)]);
}

/** The rights the default privileges give any of the grantees: those for every schema, plus the schema's own. */
function heldBy(grantees: Set<string>, ...defaults: Grants[]): Set<string> {
  const held = new Set<string>();
  for (const grants of defaults) {
    for (const [grantee, rights] of grants)
      if (grantees.has(grantee)) for (const right of rights) held.add(right);
  }
  return held;
}

/** How many gaps a summary names, and statements a fix lists; the details hold them all. */
const NAMED = 3;
const LISTED = 20;

export interface AccessVerdict {
  status: 'pass' | 'warn' | 'fail';
  /** `lacks …; holds what it must not: …`, after the subject; empty when it passes. */
  problems: string[];
  /** The statements that close every gap, in order: grants, revokes, default privileges. */
  statements: string[];
  details: { missing: string[]; excess: string[]; defaults: string[]; grants: string[] };
}

/** The audit as a verdict: excess always fails, missing rights as `missing` says, defaults warn. */
export function accessVerdict(audit: AccessAudit, missing: 'fail' | 'warn'): AccessVerdict {
  const named = (gaps: AccessGap[]) =>
    gaps
      .slice(0, NAMED)
      .map((gap) => gap.what)
      .join('; ') + (gaps.length > NAMED ? ` and ${gaps.length - NAMED} more` : '');
  const problems = [
    audit.missing.length > 0 ? `lacks ${named(audit.missing)}` : '',
    audit.excess.length > 0 ? `holds what it must not: ${named(audit.excess)}` : '',
    audit.defaults.length > 0
      ? `will not be granted what the next migration creates: ${named(audit.defaults)}`
      : '',
  ].filter(Boolean);
  const status =
    audit.excess.length > 0 || (missing === 'fail' && audit.missing.length > 0)
      ? 'fail'
      : problems.length > 0
        ? 'warn'
        : 'pass';
  const gaps = [...audit.missing, ...audit.excess, ...audit.defaults];
  return {
    status,
    problems,
    statements: gaps.map((gap) => gap.statement),
    details: {
      missing: audit.missing.map((gap) => gap.what),
      excess: audit.excess.map((gap) => gap.what),
      defaults: audit.defaults.map((gap) => gap.what),
      grants: gaps.map((gap) => gap.statement),
    },
  };
}

/** The fix: the statements, bounded, to run as the owner of the objects (a migration does). */
export function accessFix(statements: string[], owner: string | undefined): string {
  const more = statements.length > LISTED ? ` … and ${statements.length - LISTED} more (details.grants)` : '';
  const who = owner ? `as ${owner}, the owner (add a migration)` : "as the objects' owner (add a migration)";
  return `${who}: ${statements.slice(0, LISTED).join(' ')}${more}`;
}
