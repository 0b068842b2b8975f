// Regenerates a schema from its catalog snapshot, as SQL statements, and applies them in dependency order.
//
// The snapshot is what drift detection already reads (`takeSnapshot`): plain JSON, names schema-qualified
// and definitions printed by the server with only pg_catalog on the search path. Restore runs these
// statements into an empty database: `before` (what data loads into), then the data, then `after`
// (constraints, indexes, views, triggers, security, privileges), then the materialized view refreshes.
import type { Queryable } from '../database.js';
import type {
  CatalogSnapshot,
  CollationEntry,
  ColumnEntry,
  ConstraintEntry,
  FunctionEntry,
  RuleEntry,
  SequenceEntry,
  TriggerEntry,
  ViewEntry,
} from '../schema/snapshot-types.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';

export interface DdlStatement {
  /** e.g. 'table app.users', 'index app.orders_user_idx' */
  object: string;
  sql: string;
  /**
   * Set on a key or index build that needs only this table's rows (a table no other inherits from or
   * is a partition of): it may run as soon as they are in, before the rest of `after`, beside other loads.
   */
  table?: string;
}

export interface SchemaDdl {
  /** Everything that must exist before data is loaded: schemas, extensions, collations, types, enums, domains, sequences, functions, tables with columns/defaults/identity/generated/collation/NOT NULL and their columns' storage and statistics settings, partitions, inheritance, storage options, comments on those. */
  before: DdlStatement[];
  /** After data: primary keys/unique/check/exclusion/foreign keys (FKs last), indexes, statistics objects, views and materialized views (see below), triggers (with their enabled state), rules, RLS enable/force, policies, replica identity, grants, default privileges, remaining comments, ownership if present. */
  after: DdlStatement[];
}

export interface SchemaDdlOptions {
  /** Whether a role exists where the schema is restored; pieces naming a role it denies are left out. */
  roleExists?: (role: string) => boolean;
}

/**
 * The statements that recreate the snapshot's schema, and a sentence for each piece left out (a role
 * that does not exist here, an object the snapshot cannot recreate). Same snapshot, same statements.
 *
 * Materialized views are created `WITH NO DATA`; refresh the populated ones after loading the data,
 * with {@link materializedViewRefreshes}. Sequence values are data: set them with the data.
 */
export function schemaDdl(
  snapshot: CatalogSnapshot,
  options: SchemaDdlOptions = {},
): { ddl: SchemaDdl; skipped: string[] } {
  return new Generator(snapshot, options.roleExists).generate();
}

/**
 * `REFRESH MATERIALIZED VIEW` for each materialized view that was populated in the snapshot, those a
 * view reads before it. Run them with {@link applyDdl} after the data: an order the definitions did not
 * reveal is put right by its retries.
 */
export function materializedViewRefreshes(snapshot: CatalogSnapshot): DdlStatement[] {
  return viewOrder(snapshot)
    .filter((key) => snapshot.views[key]!.materialized && snapshot.views[key]!.populated)
    .map((key) => ({
      object: `materialized view ${key}`,
      sql: `REFRESH MATERIALIZED VIEW ${qualified(key)}`,
    }));
}

/** Session settings while applying: the ones the snapshot was read with, and no function body checks. */
const SETTINGS: Record<string, string> = {
  search_path: 'pg_catalog',
  check_function_bodies: 'off',
  timezone: 'UTC',
  datestyle: 'ISO, YMD',
  intervalstyle: 'postgres',
};
const SETTING_NAMES = Object.keys(SETTINGS);
const SAVEPOINT = 'launchdb_ddl';

/** SQLSTATEs that say something a statement needs is not there (yet): another failure is the better reason. */
const MISSING = new Set(['42P01', '42704', '42883', '3F000', '42703', '42P02']);

/**
 * Runs statements on one session (the caller holds a transaction). Statements that fail because something they depend on is not created yet are retried in later rounds (each attempt inside a SAVEPOINT so a failure does not abort the transaction); when a round makes no progress, throws an Error naming the first object that could not be created and the server's message.
 *
 * The session runs them with only pg_catalog on the search path (as the snapshot was read), function
 * bodies unchecked, and the snapshot's time zone and date styles; its own settings are put back after.
 */
export async function applyDdl(session: Queryable, statements: DdlStatement[]): Promise<void> {
  const { rows } = await session.query<Record<string, string>>(
    `select ${SETTING_NAMES.map((name, i) => `current_setting('${name}') as s${i}`).join(', ')}`,
  );
  const saved = SETTING_NAMES.map((_, i) => rows[0]?.[`s${i}`] ?? '');
  await session.query(
    `select ${SETTING_NAMES.map((name) => `set_config('${name}', ${quoteLiteral(SETTINGS[name]!)}, true)`).join(', ')}`,
  );
  try {
    let pending = statements;
    while (pending.length > 0) {
      const failed: { statement: DdlStatement; error: unknown }[] = [];
      for (const statement of pending) {
        try {
          // One round trip when it works: the savepoint, the statement, and its release.
          await session.query(`SAVEPOINT ${SAVEPOINT};\n${statement.sql};\nRELEASE SAVEPOINT ${SAVEPOINT}`);
        } catch (error) {
          await session.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`);
          failed.push({ statement, error });
        }
      }
      if (failed.length === pending.length) throw noProgress(failed);
      pending = failed.map(({ statement }) => statement);
    }
  } finally {
    await session
      .query(
        `select ${SETTING_NAMES.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(', ')}`,
        saved,
      )
      .catch(() => {});
  }
}

/** The first failure that is not only a missing dependency (else the first), with the server's words. */
function noProgress(failed: { statement: DdlStatement; error: unknown }[]): Error {
  const code = (error: unknown) => (error as { code?: string }).code ?? '';
  const first = failed.find(({ error }) => !MISSING.has(code(error))) ?? failed[0]!;
  const message = first.error instanceof Error ? first.error.message : String(first.error);
  const others = failed.filter((failure) => failure !== first).map(({ statement }) => statement.object);
  const listed = others.slice(0, 5).join('; ') + (others.length > 5 ? `; and ${others.length - 5} more` : '');
  const more = others.length === 0 ? '' : ` (nor could, waiting on it or failing too: ${listed})`;
  return new Error(`could not create ${first.statement.object}: ${message}${more}`, { cause: first.error });
}

// ---------------------------------------------------------------------------------------------------
// Names: keys are schema-qualified, each name quoted only when it is not a plain lowercase identifier.

/** Reads a name at `i`, bare or double-quoted; `null` when there is none. */
function readName(text: string, i: number): { name: string; end: number } | null {
  if (text[i] === '"') {
    let name = '';
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === '"') {
        if (text[j + 1] !== '"') return { name, end: j + 1 };
        name += '"';
        j += 2;
      } else {
        name += text[j];
        j += 1;
      }
    }
    return null;
  }
  const match = /^[^\s."(),=]+/.exec(text.slice(i));
  return match ? { name: match[0], end: i + match[0].length } : null;
}

/** The dotted names at `start` (`app.users`, `"My Schema".t`), raw, and where they end. */
function readQualified(text: string, start = 0): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const read = readName(text, i);
    if (!read) break;
    parts.push(read.name);
    i = read.end;
    if (text[i] !== '.') break;
    i += 1;
  }
  return { parts, end: i };
}

/** A key's names, raw: `app.users` → `['app', 'users']`. */
function keyParts(key: string): string[] {
  return readQualified(key).parts;
}

/** One name as keys spell it. */
function keyName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** SQL for a key: every name quoted. */
function qualified(key: string): string {
  return keyParts(key).map(quoteIdent).join('.');
}

/** The member's own name in `table.member` keys (columns, constraints, triggers, policies), as SQL. */
function memberName(key: string, table: string): string {
  return quoteIdent(keyParts(key.slice(table.length + 1))[0] ?? '');
}

/** `app.add(integer, integer)` → `"app"."add"(integer, integer)`: the argument types are already SQL. */
function routine(key: string, star = false): string {
  const { parts, end } = readQualified(key);
  const args = key.slice(end + 1, key.lastIndexOf(')'));
  return `${parts.map(quoteIdent).join('.')}(${args === '' && star ? '*' : args})`;
}

function role(name: string): string {
  return name === 'PUBLIC' ? 'PUBLIC' : quoteIdent(name);
}

/** `fillfactor='70'` from `fillfactor=70` options. */
function optionList(options: string[]): string {
  return options
    .map((option) => {
      const at = option.indexOf('=');
      return at < 0 ? option : `${option.slice(0, at)}=${quoteLiteral(option.slice(at + 1))}`;
    })
    .join(', ');
}

/** `WITH (fillfactor='70')` from `fillfactor=70` options; empty when none. */
function withOptions(options: string[]): string {
  return options.length === 0 ? '' : ` WITH (${optionList(options)})`;
}

/** `CREATE COLLATION` parameters: the provider, its locale or libc's two, and what is not the default. */
function collationOptions(collation: CollationEntry): string {
  const options = [`provider = ${collation.provider}`];
  if (collation.provider === 'libc') {
    options.push(`lc_collate = ${quoteLiteral(collation.lcCollate ?? '')}`);
    options.push(`lc_ctype = ${quoteLiteral(collation.lcCtype ?? '')}`);
  } else {
    options.push(`locale = ${quoteLiteral(collation.locale ?? '')}`);
  }
  if (!collation.deterministic) options.push('deterministic = false');
  if (collation.icuRules !== null) options.push(`rules = ${quoteLiteral(collation.icuRules)}`);
  return options.join(', ');
}

function sorted<T>(entries: Record<string, T>): [string, T][] {
  return Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The name `text` prints at `at` (a printed regprocedure or relation) as a key. */
function keyAt(text: string, at: number): { key: string; end: number } {
  const { parts, end } = readQualified(text, at);
  return { key: parts.map(keyName).join('.'), end };
}

/** A name, bare or quoted, as the server prints it. */
const NAME = '(?:"(?:[^"]|"")+"|[A-Za-z_\\u0080-\\uffff][\\w$\\u0080-\\uffff]*)';
const QUALIFIED = new RegExp(`(?<![\\w$."])${NAME}\\.${NAME}`, 'g');

/** The `schema.name` pairs `text` prints, as keys: the relations and types it may name. */
function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(QUALIFIED)) names.add(keyAt(match[0], 0).key);
  return names;
}

/** Views in an order where each comes after the views its definition names; by key otherwise. */
function viewOrder(snapshot: CatalogSnapshot): string[] {
  const keys = sorted(snapshot.views).map(([key]) => key);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const other of viewsNamedIn(snapshot, snapshot.views[key]!.definition))
      if (other !== key) visit(other);
    order.push(key);
  };
  for (const key of keys) visit(key);
  return order;
}

/** The snapshot's views that `text` names, by key. */
function viewsNamedIn(snapshot: CatalogSnapshot, text: string): string[] {
  return [...namesIn(text)].filter((name) => name in snapshot.views).sort();
}

/** A function's definition up to its body, unless the body is SQL-standard (parsed, so it depends). */
function routineHeader(definition: string): string {
  const body = definition.search(/\nAS \$/);
  return body < 0 ? definition : definition.slice(0, body);
}

// ---------------------------------------------------------------------------------------------------

const SEQUENCE_OPTIONS = (sequence: SequenceEntry): string =>
  `START WITH ${sequence.start} INCREMENT BY ${sequence.increment} MINVALUE ${sequence.min} ` +
  `MAXVALUE ${sequence.max} CACHE ${sequence.cache} ${sequence.cycle ? 'CYCLE' : 'NO CYCLE'}`;

/** How `ALTER TABLE` puts a trigger or rule in each state; `origin` is how one is created. */
const ENABLE_STATES: Record<TriggerEntry['enabled'], string | null> = {
  origin: null,
  disabled: 'DISABLE',
  always: 'ENABLE ALWAYS',
  replica: 'ENABLE REPLICA',
};

const CONSTRAINT_ORDER: ConstraintEntry['type'][] = [
  'primary key',
  'unique constraint',
  'exclusion constraint',
  'check constraint',
];

class Generator {
  private readonly before: DdlStatement[] = [];
  private readonly after: DdlStatement[] = [];
  private readonly skipped: string[] = [];
  /** Tables that others inherit from or are partitions of. */
  private readonly parents = new Set<string>();
  /** Relations not recreated (foreign tables): what belongs to them is left out too. */
  private readonly skippedRelations = new Set<string>();
  /** Sequences made by an identity column: created with it, never on their own. */
  private readonly identitySequences = new Map<string, string>();
  private readonly serialSequences = new Set<string>();
  private readonly skippedIndexes = new Set<string>();
  private readonly skippedPolicies = new Set<string>();

  constructor(
    private readonly s: CatalogSnapshot,
    private readonly roleExists?: (role: string) => boolean,
  ) {
    for (const [key, sequence] of sorted(s.sequences)) {
      if (sequence.ownedBy === null) continue;
      if (s.columns[sequence.ownedBy]?.identity) this.identitySequences.set(sequence.ownedBy, key);
      else this.serialSequences.add(key);
    }
    for (const [key, table] of sorted(s.tables)) {
      if (table.kind === 'foreign table') this.skippedRelations.add(key);
      for (const parent of [table.partitionOf ?? [], table.inherits].flat()) this.parents.add(parent);
    }
  }

  generate(): { ddl: SchemaDdl; skipped: string[] } {
    const early = this.viewsBeforeData();
    this.schemas();
    this.extensions();
    this.collations();
    this.types();
    this.sequences();
    this.functions();
    this.tables();
    this.views(this.before, (key) => early.has(key));
    this.constraints();
    this.indexes((table) => !(table in this.s.views));
    this.foreignKeys();
    this.views(this.after, (key) => !early.has(key));
    this.indexes((table) => table in this.s.views);
    this.statistics();
    this.triggers();
    this.rules();
    this.rowSecurity();
    this.replicaIdentity();
    this.lateComments();
    this.owners();
    this.grants();
    this.defaultPrivileges();
    return { ddl: { before: this.before, after: this.after }, skipped: this.skipped };
  }

  private allowed(name: string): boolean {
    return name === 'PUBLIC' || !this.roleExists || this.roleExists(name);
  }

  private comment(list: DdlStatement[], kind: string, label: string, target: string, text: string | null) {
    if (text === null) return;
    list.push({
      object: `comment on ${kind} ${label}`,
      sql: `COMMENT ON ${kind.toUpperCase()} ${target} IS ${quoteLiteral(text)}`,
    });
  }

  private schemas(): void {
    for (const [key, schema] of sorted(this.s.schemas)) {
      this.before.push({ object: `schema ${key}`, sql: `CREATE SCHEMA IF NOT EXISTS ${qualified(key)}` });
      if (schema.comment === null && key === 'public') {
        // It exists before the restore, with its stock comment.
        this.before.push({ object: 'comment on schema public', sql: 'COMMENT ON SCHEMA public IS NULL' });
      }
      this.comment(this.before, 'schema', key, qualified(key), schema.comment);
    }
  }

  private extensions(): void {
    for (const [key, extension] of sorted(this.s.extensions)) {
      const version = extension.version === null ? '' : ` VERSION ${quoteLiteral(extension.version)}`;
      this.before.push({
        object: `extension ${key}`,
        sql: `CREATE EXTENSION IF NOT EXISTS ${qualified(key)} SCHEMA ${qualified(extension.schema)}${version}`,
      });
    }
  }

  /** Before the types and tables whose columns use them. */
  private collations(): void {
    for (const [key, collation] of sorted(this.s.collations)) {
      this.before.push({
        object: `collation ${key}`,
        sql: `CREATE COLLATION ${qualified(key)} (${collationOptions(collation)})`,
      });
      this.comment(this.before, 'collation', key, qualified(key), collation.comment);
    }
  }

  /** Enums, then domains (more often inside a composite than over one), then composite and range types. */
  private types(): void {
    for (const [key, entry] of sorted(this.s.enums)) {
      const labels = entry.labels.map(quoteLiteral).join(', ');
      this.before.push({ object: `enum ${key}`, sql: `CREATE TYPE ${qualified(key)} AS ENUM (${labels})` });
      this.comment(this.before, 'type', key, qualified(key), entry.comment);
    }
    for (const [key, domain] of sorted(this.s.domains)) {
      let sql = `CREATE DOMAIN ${qualified(key)} AS ${domain.type}`;
      if (domain.collation !== null) sql += ` COLLATE ${domain.collation}`;
      if (domain.default !== null) sql += ` DEFAULT ${domain.default}`;
      if (domain.notNull) sql += ' NOT NULL';
      const late: string[] = [];
      for (const constraint of domain.constraints) {
        // Not valid: existing values may break it, so it is added once the data is in.
        if (/ NOT VALID$/.test(constraint)) late.push(constraint);
        else sql += ` ${constraint}`;
      }
      this.before.push({ object: `domain ${key}`, sql });
      for (const constraint of late) {
        this.after.push({
          object: `constraint ${readName(constraint, 'CONSTRAINT '.length)?.name ?? ''} on domain ${key}`,
          sql: `ALTER DOMAIN ${qualified(key)} ADD ${constraint}`,
        });
      }
      this.comment(this.before, 'domain', key, qualified(key), domain.comment);
    }
    for (const [key, type] of sorted(this.s.types)) {
      if (type.kind === 'base type') {
        this.skipped.push(
          `base type ${key} is not restored: it is made of C functions (${type.definition}) that a snapshot cannot recreate; create it before restoring`,
        );
        continue;
      }
      const sql =
        type.kind === 'composite type'
          ? `CREATE TYPE ${qualified(key)} AS ${type.definition}`
          : `CREATE TYPE ${qualified(key)} AS RANGE (${rangeParameters(type.definition)})`;
      this.before.push({ object: `${type.kind} ${key}`, sql });
      this.comment(this.before, 'type', key, qualified(key), type.comment);
    }
  }

  private sequences(): void {
    for (const [key, sequence] of sorted(this.s.sequences)) {
      if (sequence.ownedBy !== null && this.identitySequences.get(sequence.ownedBy) === key) continue;
      this.before.push({
        object: `sequence ${key}`,
        sql: `CREATE SEQUENCE ${qualified(key)} AS ${sequence.type} ${SEQUENCE_OPTIONS(sequence)}`,
      });
      this.comment(this.before, 'sequence', key, qualified(key), sequence.comment);
    }
  }

  /**
   * Views something made before the data names (a column or attribute of a view's row type, a function
   * returning its rows), with the views they read: made before the data too, once the tables are.
   */
  private viewsBeforeData(): Set<string> {
    const texts = [
      ...Object.values(this.s.columns).map((column) => column.type),
      ...Object.values(this.s.types).map((type) => type.definition),
      ...Object.values(this.s.domains).map((domain) => domain.type),
      ...Object.values(this.s.functions).map((fn) => routineHeader(fn.definition)),
    ];
    const early = new Set<string>();
    const add = (key: string) => {
      if (early.has(key)) return;
      early.add(key);
      for (const other of viewsNamedIn(this.s, this.s.views[key]!.definition)) add(other);
    };
    for (const text of texts) for (const view of viewsNamedIn(this.s, text)) add(view);
    return early;
  }

  private functions(): void {
    const list = this.before;
    for (const [key, fn] of sorted(this.s.functions)) {
      const kind = fn.kind === 'window function' ? 'function' : fn.kind;
      if (fn.kind === 'aggregate') {
        const sql = this.aggregate(key, fn);
        if (sql === null) continue;
        list.push({ object: `aggregate ${key}`, sql });
      } else {
        list.push({ object: `${kind} ${key}`, sql: fn.definition });
      }
      this.comment(list, kind, key, routine(key, fn.kind === 'aggregate'), fn.comment);
    }
  }

  /** `CREATE AGGREGATE` from the snapshot's parts, whose functions and operator are printed with arguments. */
  private aggregate(key: string, fn: FunctionEntry): string | null {
    const prefix = `AGGREGATE ${key} (`;
    const parameters = fn.definition.startsWith(prefix)
      ? fn.definition.slice(prefix.length, -1)
      : fn.definition;
    if (/(^|, )KIND = /.test(parameters)) {
      this.skipped.push(
        `aggregate ${key} is not restored: it is an ordered-set aggregate, and the snapshot does not record which of its arguments are direct`,
      );
      return null;
    }
    return `CREATE AGGREGATE ${routine(key, true)} (${withoutArguments(parameters)})`;
  }

  private tables(): void {
    const columns = new Map<string, [string, ColumnEntry][]>();
    for (const [key, column] of sorted(this.s.columns)) {
      const list = columns.get(column.table) ?? [];
      list.push([key, column]);
      columns.set(column.table, list);
    }
    const attach: DdlStatement[] = [];
    const comments: DdlStatement[] = [];
    for (const [key, table] of sorted(this.s.tables)) {
      if (table.kind === 'foreign table') {
        this.skipped.push(
          `foreign table ${key} is not restored: the snapshot does not record its server and options; create it after restoring`,
        );
        continue;
      }
      const own = (columns.get(key) ?? []).sort(([, a], [, b]) => a.position - b.position);
      const definitions = own.map(([columnKey, column]) => this.column(key, columnKey, column));
      let sql = `CREATE ${table.unlogged ? 'UNLOGGED ' : ''}TABLE ${qualified(key)} (`;
      sql += definitions.length === 0 ? ')' : `\n  ${definitions.join(',\n  ')}\n)`;
      if (table.partitionKey !== null) sql += ` PARTITION BY ${table.partitionKey}`;
      sql += withOptions(table.options);
      this.before.push({ object: `table ${key}`, sql });
      this.columnSettings(key, own);
      // Made whole first, then attached: a partition or child keeps its own column order.
      if (table.partitionOf !== null) {
        attach.push({
          object: `partition ${key} of ${table.partitionOf}`,
          sql: `ALTER TABLE ${qualified(table.partitionOf)} ATTACH PARTITION ${qualified(key)} ${table.partitionBound ?? 'DEFAULT'}`,
        });
      }
      for (const parent of table.inherits) {
        attach.push({
          object: `inheritance of ${key} from ${parent}`,
          sql: `ALTER TABLE ${qualified(key)} INHERIT ${qualified(parent)}`,
        });
      }
      this.comment(comments, 'table', key, qualified(key), table.comment);
      for (const [columnKey, column] of own) {
        this.comment(
          comments,
          'column',
          columnKey,
          `${qualified(key)}.${memberName(columnKey, key)}`,
          column.comment,
        );
      }
    }
    this.before.push(...attach);
    for (const key of [...this.serialSequences].sort()) {
      const sequence = this.s.sequences[key]!;
      const table = this.s.columns[sequence.ownedBy!]?.table;
      if (table === undefined || this.skippedRelations.has(table)) continue;
      this.before.push({
        object: `sequence ${key} owned by ${sequence.ownedBy}`,
        sql: `ALTER SEQUENCE ${qualified(key)} OWNED BY ${qualified(table)}.${memberName(sequence.ownedBy!, table)}`,
      });
    }
    for (const [column, key] of [...this.identitySequences].sort()) {
      if (this.skippedRelations.has(this.s.columns[column]!.table)) continue;
      this.comment(comments, 'sequence', key, qualified(key), this.s.sequences[key]!.comment);
    }
    this.before.push(...comments);
  }

  private column(table: string, key: string, column: ColumnEntry): string {
    let sql = `${memberName(key, table)} ${column.type}`;
    if (column.collation !== null) sql += ` COLLATE ${column.collation}`;
    const generated =
      column.generated === null ? null : /^([\s\S]*) (stored|virtual)$/.exec(column.generated);
    const sequence = this.identitySequences.get(key);
    if (generated) {
      sql += ` GENERATED ALWAYS AS (${generated[1]}) ${generated[2]!.toUpperCase()}`;
    } else if (column.identity !== null && sequence !== undefined) {
      // Without a sequence of its own, the identity is a partition's, from its parent (Postgres 17+).
      const options = `SEQUENCE NAME ${qualified(sequence)} ${SEQUENCE_OPTIONS(this.s.sequences[sequence]!)}`;
      sql += ` GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (${options})`;
    } else if (column.default !== null) {
      sql += ` DEFAULT ${column.default}`;
    }
    if (column.notNull) sql += ' NOT NULL';
    return sql;
  }

  /**
   * `SET STORAGE`, `SET STATISTICS`, `SET (…)` and `SET COMPRESSION` on the table's columns that have
   * them, in one statement, right after `CREATE TABLE`: before the data (it is stored as they say) and
   * before the table is attached to a parent (so nothing recurses onto it).
   */
  private columnSettings(table: string, columns: [string, ColumnEntry][]): void {
    const actions: string[] = [];
    for (const [key, column] of columns) {
      const alter = `ALTER COLUMN ${memberName(key, table)}`;
      if (column.storage !== undefined) actions.push(`${alter} SET STORAGE ${column.storage.toUpperCase()}`);
      if (column.statistics !== undefined) actions.push(`${alter} SET STATISTICS ${column.statistics}`);
      if (column.options !== undefined && column.options.length > 0)
        actions.push(`${alter} SET (${optionList(column.options)})`);
      if (column.compression !== undefined) actions.push(`${alter} SET COMPRESSION ${column.compression}`);
    }
    if (actions.length === 0) return;
    this.before.push({
      object: `column settings of table ${table}`,
      sql: `ALTER TABLE ${qualified(table)} ${actions.join(', ')}`,
    });
  }

  /** How many parents up a table's partitions and inheritance go: descendants are handled first. */
  private depth(key: string, seen = new Set<string>()): number {
    const table = this.s.tables[key];
    if (!table || seen.has(key)) return 0;
    seen.add(key);
    const parents = [...(table.partitionOf === null ? [] : [table.partitionOf]), ...table.inherits];
    return parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => this.depth(parent, seen)));
  }

  private byDepth<T extends { table: string }>(entries: [string, T][]): [string, T][] {
    return entries
      .map((entry) => ({ entry, depth: this.depth(entry[1].table) }))
      .sort((a, b) => b.depth - a.depth)
      .map(({ entry }) => entry);
  }

  /** A check or foreign key a parent has too, by name and definition: the parent's makes it. */
  private inherited(key: string, constraint: ConstraintEntry): boolean {
    const table = this.s.tables[constraint.table];
    if (!table) return false;
    const name = key.slice(constraint.table.length + 1);
    const parents = [...(table.partitionOf === null ? [] : [table.partitionOf]), ...table.inherits];
    return parents.some((parent) => {
      const other = this.s.constraints[`${parent}.${name}`];
      return other?.type === constraint.type && other.definition === constraint.definition;
    });
  }

  private constraintStatement(key: string, constraint: ConstraintEntry): DdlStatement {
    return {
      object: `${constraint.type} ${key.slice(constraint.table.length + 1)} on ${constraint.table}`,
      sql: `ALTER TABLE ${qualified(constraint.table)} ADD CONSTRAINT ${memberName(key, constraint.table)} ${constraint.definition}`,
    };
  }

  private liveConstraints(): [string, ConstraintEntry][] {
    return sorted(this.s.constraints).filter(([, c]) => !this.skippedRelations.has(c.table));
  }

  /**
   * Partitions' keys first: the parent's then takes each partition's matching index over (as
   * `CREATE INDEX` on a partitioned table does), so every name stays as it was.
   */
  private constraints(): void {
    for (const type of CONSTRAINT_ORDER) {
      const ofType = this.liveConstraints().filter(([key, c]) => c.type === type && !this.inherited(key, c));
      for (const [key, constraint] of this.byDepth(ofType))
        this.after.push({ ...this.constraintStatement(key, constraint), ...this.alone(constraint.table) });
    }
  }

  private foreignKeys(): void {
    const keys = this.liveConstraints().filter(([, c]) => c.type === 'foreign key');
    for (const [key, constraint] of this.byDepth(keys)) {
      if (this.inherited(key, constraint) || this.referencedClone(key, constraint)) continue;
      this.after.push(this.constraintStatement(key, constraint));
    }
  }

  /**
   * A foreign key to a partitioned table puts one more on its table for each partition it references;
   * those come back with it (Postgres names them the same way again).
   */
  private referencedClone(key: string, constraint: ConstraintEntry): boolean {
    const mine = splitReference(constraint.definition);
    const partition = mine && this.s.tables[mine.table];
    if (!mine || !partition?.partitionOf) return false;
    const ancestors = new Set<string>();
    for (let up: string | null = partition.partitionOf; up && !ancestors.has(up); ) {
      ancestors.add(up);
      up = this.s.tables[up]?.partitionOf ?? null;
    }
    return Object.entries(this.s.constraints).some(([otherKey, other]) => {
      if (otherKey === key || other.table !== constraint.table || other.type !== 'foreign key') return false;
      const theirs = splitReference(other.definition);
      return (
        theirs !== null &&
        theirs.before === mine.before &&
        theirs.after === mine.after &&
        ancestors.has(theirs.table)
      );
    });
  }

  private indexes(on: (table: string) => boolean): void {
    const list = sorted(this.s.indexes).filter(
      ([, index]) => on(index.table) && !this.skippedRelations.has(index.table),
    );
    for (const [key, index] of this.byDepth(list)) {
      let sql = index.definition;
      const partitioned = this.s.tables[index.table]?.kind === 'partitioned table';
      if (partitioned && index.valid) {
        // Not ONLY: it takes over the partitions' matching indexes, made above, and is valid with them.
        sql = sql.replace(/ ON ONLY /, ' ON ');
      } else if (!index.valid && !partitioned) {
        this.skipped.push(
          `index ${key} is not restored: it is invalid in the backup (a failed CREATE INDEX CONCURRENTLY); build it again after restoring`,
        );
        this.skippedIndexes.add(key);
        continue;
      }
      this.after.push({ object: `index ${key}`, sql, ...this.alone(index.table) });
    }
  }

  /** `{ table }` when the table stands alone: no partitions, no parents, no children. */
  private alone(table: string): { table?: string } {
    const entry = this.s.tables[table];
    if (entry?.kind !== 'table' || entry.partitionOf !== null || entry.inherits.length > 0) return {};
    return this.parents.has(table) ? {} : { table };
  }

  private views(list: DdlStatement[], include: (key: string) => boolean): void {
    for (const key of viewOrder(this.s)) {
      if (!include(key)) continue;
      const view = this.s.views[key]!;
      const columns = view.columns.map((column) => quoteIdent(readName(column, 0)?.name ?? column));
      const head = `${qualified(key)}${columns.length > 0 ? ` (${columns.join(', ')})` : ''}${withOptions(view.options)}`;
      list.push(
        view.materialized
          ? {
              object: `materialized view ${key}`,
              sql: `CREATE MATERIALIZED VIEW ${head} AS ${view.definition} WITH NO DATA`,
            }
          : { object: `view ${key}`, sql: `CREATE VIEW ${head} AS ${view.definition}` },
      );
    }
  }

  /** After the data, like the indexes (`ANALYZE` fills them later); with their target and comment. */
  private statistics(): void {
    for (const [key, statistics] of sorted(this.s.statistics)) {
      if (this.skippedRelations.has(statistics.table)) continue;
      this.after.push({ object: `statistics ${key}`, sql: statistics.definition });
      if (statistics.target !== null) {
        this.after.push({
          object: `statistics target of ${key}`,
          sql: `ALTER STATISTICS ${qualified(key)} SET STATISTICS ${statistics.target}`,
        });
      }
      this.comment(this.after, 'statistics', key, qualified(key), statistics.comment);
    }
  }

  private triggers(): void {
    for (const [key, trigger] of sorted(this.s.triggers)) {
      if (this.skippedRelations.has(trigger.table)) continue;
      this.onTable('trigger', key, trigger);
    }
  }

  /** A trigger's or a rule's definition, then its enabled state where that is not the default. */
  private onTable(kind: 'trigger' | 'rule', key: string, entry: TriggerEntry | RuleEntry): void {
    const label = `${kind} ${key.slice(entry.table.length + 1)} on ${entry.table}`;
    this.after.push({ object: label, sql: entry.definition });
    const state = ENABLE_STATES[entry.enabled];
    if (state !== null) {
      this.after.push({
        object: `${label} (${entry.enabled})`,
        sql: `ALTER TABLE ${qualified(entry.table)} ${state} ${kind.toUpperCase()} ${memberName(key, entry.table)}`,
      });
    }
  }

  /** After the data, like triggers, with their enabled state (a view's rules are always enabled). */
  private rules(): void {
    for (const [key, rule] of sorted(this.s.rules)) {
      if (this.skippedRelations.has(rule.table)) continue;
      this.onTable('rule', key, rule);
      const name = key.slice(rule.table.length + 1);
      const target = `${memberName(key, rule.table)} ON ${qualified(rule.table)}`;
      this.comment(this.after, 'rule', `${name} on ${rule.table}`, target, rule.comment);
    }
  }

  private rowSecurity(): void {
    for (const [key, table] of sorted(this.s.tables)) {
      if (this.skippedRelations.has(key)) continue;
      if (table.rowSecurity) {
        this.after.push({
          object: `row-level security on ${key}`,
          sql: `ALTER TABLE ${qualified(key)} ENABLE ROW LEVEL SECURITY`,
        });
      }
      if (table.forceRowSecurity) {
        this.after.push({
          object: `forced row-level security on ${key}`,
          sql: `ALTER TABLE ${qualified(key)} FORCE ROW LEVEL SECURITY`,
        });
      }
    }
    for (const [key, policy] of sorted(this.s.policies)) {
      if (this.skippedRelations.has(policy.table)) continue;
      const label = `policy ${key.slice(policy.table.length + 1)} on ${policy.table}`;
      const missing = policy.roles.filter((name) => !this.allowed(name));
      const roles = policy.roles.filter((name) => this.allowed(name));
      if (missing.length > 0) {
        const which =
          missing.length === 1 ? `role ${missing[0]} does not` : `roles ${missing.join(', ')} do not`;
        this.skipped.push(
          roles.length === 0
            ? `${label} is not restored: ${which} exist here`
            : `${label} is restored without ${missing.join(', ')}: ${which} exist here`,
        );
        if (roles.length === 0) {
          this.skippedPolicies.add(key);
          continue;
        }
      }
      let sql = `CREATE POLICY ${memberName(key, policy.table)} ON ${qualified(policy.table)}`;
      sql += ` AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${policy.command}`;
      sql += ` TO ${roles.map(role).join(', ')}`;
      if (policy.using !== null) sql += ` USING (${policy.using})`;
      if (policy.check !== null) sql += ` WITH CHECK (${policy.check})`;
      this.after.push({ object: label, sql });
    }
  }

  private replicaIdentity(): void {
    for (const [key, table] of sorted(this.s.tables)) {
      if (this.skippedRelations.has(key) || table.replicaIdentity === 'default') continue;
      let identity = table.replicaIdentity.toUpperCase();
      if (table.replicaIdentity === 'index') {
        const index = this.replicaIdentityIndex(key);
        if (index === null) {
          this.skipped.push(
            `replica identity of ${key} is left at default: the snapshot does not record which of its unique indexes it used`,
          );
          continue;
        }
        identity = `USING INDEX ${quoteIdent(index)}`;
      }
      this.after.push({
        object: `replica identity of ${key}`,
        sql: `ALTER TABLE ${qualified(key)} REPLICA IDENTITY ${identity}`,
      });
    }
  }

  /** The table's only index that can be a replica identity (unique, not partial, not deferrable), if one. */
  private replicaIdentityIndex(table: string): string | null {
    const candidates: string[] = [];
    for (const [key, c] of sorted(this.s.constraints)) {
      if (c.table !== table || !['primary key', 'unique constraint'].includes(c.type)) continue;
      if (!/\bDEFERRABLE\b/.test(c.definition)) candidates.push(keyParts(key.slice(table.length + 1))[0]!);
    }
    for (const [key, index] of sorted(this.s.indexes)) {
      if (index.table !== table || !index.definition.startsWith('CREATE UNIQUE INDEX ')) continue;
      if (!/ WHERE /.test(index.definition)) candidates.push(keyParts(key).at(-1)!);
    }
    return candidates.length === 1 ? candidates[0]! : null;
  }

  private lateComments(): void {
    for (const [key, c] of this.liveConstraints()) {
      const name = key.slice(c.table.length + 1);
      const target = `${memberName(key, c.table)} ON ${qualified(c.table)}`;
      this.comment(this.after, 'constraint', `${name} on ${c.table}`, target, c.comment);
    }
    for (const [key, index] of sorted(this.s.indexes)) {
      if (this.skippedRelations.has(index.table) || this.skippedIndexes.has(key)) continue;
      this.comment(this.after, 'index', key, qualified(key), index.comment);
    }
    for (const key of viewOrder(this.s)) {
      const view = this.s.views[key]!;
      this.comment(
        this.after,
        view.materialized ? 'materialized view' : 'view',
        key,
        qualified(key),
        view.comment,
      );
      for (const [column, text] of sorted(view.columnComments ?? {})) {
        const target = `${qualified(key)}.${quoteIdent(readName(column, 0)?.name ?? column)}`;
        this.comment(this.after, 'column', `${key}.${column}`, target, text);
      }
    }
    for (const [key, trigger] of sorted(this.s.triggers)) {
      if (this.skippedRelations.has(trigger.table)) continue;
      const target = `${memberName(key, trigger.table)} ON ${qualified(trigger.table)}`;
      this.comment(
        this.after,
        'trigger',
        `${key.slice(trigger.table.length + 1)} on ${trigger.table}`,
        target,
        trigger.comment,
      );
    }
    for (const [key, policy] of sorted(this.s.policies)) {
      if (this.skippedRelations.has(policy.table) || this.skippedPolicies.has(key)) continue;
      const target = `${memberName(key, policy.table)} ON ${qualified(policy.table)}`;
      this.comment(
        this.after,
        'policy',
        `${key.slice(policy.table.length + 1)} on ${policy.table}`,
        target,
        policy.comment,
      );
    }
  }

  /** `ALTER … OWNER TO`, when the snapshot recorded owners; owned sequences follow their table. */
  private owners(): void {
    const missing = new Map<string, string[]>();
    const own = (kind: string, key: string, target: string, owner: string | undefined) => {
      if (owner === undefined) return;
      if (!this.allowed(owner)) {
        missing.set(owner, [...(missing.get(owner) ?? []), `${kind} ${key}`]);
        return;
      }
      const statement =
        kind === 'aggregate' || kind === 'procedure' || kind === 'function' ? 'ROUTINE' : kind.toUpperCase();
      this.after.push({
        object: `owner of ${kind} ${key}`,
        sql: `ALTER ${statement} ${target} OWNER TO ${quoteIdent(owner)}`,
      });
    };
    for (const [key, e] of sorted(this.s.schemas)) own('schema', key, qualified(key), e.owner);
    for (const [key, e] of sorted(this.s.collations)) own('collation', key, qualified(key), e.owner);
    for (const [key, e] of sorted(this.s.enums)) own('type', key, qualified(key), e.owner);
    for (const [key, e] of sorted(this.s.types))
      if (e.kind !== 'base type') own('type', key, qualified(key), e.owner);
    for (const [key, e] of sorted(this.s.domains)) own('domain', key, qualified(key), e.owner);
    for (const [key, e] of sorted(this.s.sequences))
      if (e.ownedBy === null) own('sequence', key, qualified(key), e.owner);
    for (const [key, fn] of sorted(this.s.functions)) {
      if (fn.kind === 'aggregate' && /(^|, )KIND = /.test(fn.definition)) continue;
      own(fn.kind === 'window function' ? 'function' : fn.kind, key, routine(key), fn.owner);
    }
    for (const [key, e] of sorted(this.s.tables))
      if (!this.skippedRelations.has(key)) own('table', key, qualified(key), e.owner);
    for (const key of viewOrder(this.s)) {
      const view: ViewEntry = this.s.views[key]!;
      own(view.materialized ? 'materialized view' : 'view', key, qualified(key), view.owner);
    }
    for (const [key, e] of sorted(this.s.statistics))
      if (!this.skippedRelations.has(e.table)) own('statistics', key, qualified(key), e.owner);
    for (const [owner, objects] of [...missing].sort(([a], [b]) => (a < b ? -1 : 1))) {
      this.skipped.push(
        `owner ${owner} of ${objects.join(', ')}: role ${owner} does not exist here, so the restoring role owns them`,
      );
    }
  }

  private grants(): void {
    if ('public' in this.s.schemas) {
      // The one schema there before the restore: its stock privileges give way to the recorded ones.
      this.after.push({
        object: 'privileges on schema public',
        sql: 'REVOKE ALL ON SCHEMA public FROM PUBLIC',
      });
    }
    for (const [, grant] of sorted(this.s.grants)) {
      const target = this.grantTarget(grant.object);
      if (target === null) continue;
      const label = `on ${grant.object} to ${grant.grantee}`;
      if (!this.allowed(grant.grantee)) {
        if (grant.granted.length > 0)
          this.skipped.push(
            `grant ${grant.granted.join(', ')} ${label}: role ${grant.grantee} does not exist here`,
          );
        if (grant.revoked.length > 0)
          this.skipped.push(
            `revoke ${grant.revoked.join(', ')} on ${grant.object} from ${grant.grantee}: role ${grant.grantee} does not exist here`,
          );
        continue;
      }
      const privileges = (list: string[]) => list.map((p) => `${p}${target.column}`).join(', ');
      const revoked = [...new Set(grant.revoked.map(plainPrivilege))];
      if (revoked.length > 0) {
        this.after.push({
          object: `revoke ${revoked.join(', ')} on ${grant.object} from ${grant.grantee}`,
          sql: `REVOKE ${privileges(revoked)} ON ${target.on} FROM ${role(grant.grantee)}`,
        });
      }
      for (const [list, suffix] of byGrantOption(grant.granted)) {
        this.after.push({
          object: `grant ${list.join(', ')}${suffix} ${label}`,
          sql: `GRANT ${privileges(list)} ON ${target.on} TO ${role(grant.grantee)}${suffix}`,
        });
      }
    }
  }

  /** `TABLE "app"."users"` for `table app.users`, with `(column)` for a column's privileges. */
  private grantTarget(object: string): { on: string; column: string } | null {
    const space = object.startsWith('materialized view ')
      ? 17
      : object.startsWith('foreign table ')
        ? 13
        : object.indexOf(' ');
    const kind = object.slice(0, space);
    const key = object.slice(space + 1);
    switch (kind) {
      case 'table':
      case 'view':
      case 'materialized view':
        return { on: `TABLE ${qualified(key)}`, column: '' };
      case 'column': {
        const parts = keyParts(key);
        const column = parts.pop()!;
        if (this.skippedRelations.has(parts.map(keyName).join('.'))) return null;
        return { on: `TABLE ${parts.map(quoteIdent).join('.')}`, column: ` (${quoteIdent(column)})` };
      }
      case 'sequence':
      case 'schema':
      case 'domain':
        return { on: `${kind.toUpperCase()} ${qualified(key)}`, column: '' };
      case 'type':
        return this.s.types[key]?.kind === 'base type' ? null : { on: `TYPE ${qualified(key)}`, column: '' };
      case 'function':
      case 'procedure': {
        const fn = this.s.functions[key];
        if (fn?.kind === 'aggregate' && /(^|, )KIND = /.test(fn.definition)) return null;
        return { on: `ROUTINE ${routine(key)}`, column: '' };
      }
      default:
        // Foreign tables are not restored, nor what belongs to them.
        return null;
    }
  }

  private defaultPrivileges(): void {
    for (const [, entry] of sorted(this.s.defaultPrivileges)) {
      const scope = `for role ${entry.role}${entry.schema === null ? '' : ` in schema ${entry.schema}`}`;
      const missing = [entry.role, entry.grantee].filter((name) => !this.allowed(name));
      if (missing.length > 0) {
        const what = [
          entry.granted.length > 0 ? `granting ${entry.granted.join(', ')}` : '',
          entry.revoked.length > 0 ? `revoking ${entry.revoked.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' and ');
        const which = [...new Set(missing)];
        this.skipped.push(
          `default privilege ${scope} ${what} on new ${entry.on} ${entry.granted.length > 0 ? 'to' : 'from'} ${entry.grantee}: ${which.length === 1 ? `role ${which[0]} does not` : `roles ${which.join(', ')} do not`} exist here`,
        );
        continue;
      }
      const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(entry.role)}${entry.schema === null ? '' : ` IN SCHEMA ${qualified(entry.schema)}`}`;
      const on = entry.on.toUpperCase();
      const revoked = [...new Set(entry.revoked.map(plainPrivilege))];
      if (revoked.length > 0) {
        this.after.push({
          object: `default privilege ${scope} revoking ${revoked.join(', ')} on new ${entry.on} from ${entry.grantee}`,
          sql: `${head} REVOKE ${revoked.join(', ')} ON ${on} FROM ${role(entry.grantee)}`,
        });
      }
      for (const [list, suffix] of byGrantOption(entry.granted)) {
        this.after.push({
          object: `default privilege ${scope} granting ${list.join(', ')}${suffix} on new ${entry.on} to ${entry.grantee}`,
          sql: `${head} GRANT ${list.join(', ')} ON ${on} TO ${role(entry.grantee)}${suffix}`,
        });
      }
    }
  }
}

const WITH_GRANT_OPTION = ' WITH GRANT OPTION';

/** Privileges as GRANT takes them: those held plainly, and those `WITH GRANT OPTION` (non-empty lists only). */
function byGrantOption(granted: readonly string[]): [string[], string][] {
  const plain = granted.filter((p) => !p.endsWith(WITH_GRANT_OPTION));
  const grantable = granted.filter((p) => p.endsWith(WITH_GRANT_OPTION)).map(plainPrivilege);
  return (
    [
      [plain, ''],
      [grantable, WITH_GRANT_OPTION],
    ] as [string[], string][]
  ).filter(([list]) => list.length > 0);
}

function plainPrivilege(privilege: string): string {
  return privilege.endsWith(WITH_GRANT_OPTION) ? privilege.slice(0, -WITH_GRANT_OPTION.length) : privilege;
}

/**
 * `CREATE TYPE … AS RANGE` parameters from the snapshot's: its functions are printed with their
 * argument types (`float8mi(double precision,double precision)`), where the statement takes a name.
 */
function rangeParameters(definition: string): string {
  return withoutArguments(definition);
}

/**
 * Strips the argument lists of the functions named in `NAME = fn(args)` parameters (`SFUNC`,
 * `SUBTYPE_DIFF`, …), and turns `SORTOP = >(integer,integer)` into `SORTOP = OPERATOR(>)`.
 */
function withoutArguments(parameters: string): string {
  let out = '';
  let i = 0;
  const pattern = /(SFUNC|FINALFUNC|COMBINEFUNC|SUBTYPE_DIFF|CANONICAL|SORTOP) = /g;
  for (let match = pattern.exec(parameters); match; match = pattern.exec(parameters)) {
    const start = match.index + match[0].length;
    out += parameters.slice(i, start);
    if (match[1] === 'SORTOP') {
      const open = parameters.indexOf('(', start);
      const close = parameters.indexOf(')', open);
      out += `OPERATOR(${parameters.slice(start, open)})`;
      i = close + 1;
    } else {
      const { key, end } = keyAt(parameters, start);
      const close = parameters[end] === '(' ? parameters.indexOf(')', end) : end - 1;
      out += keyParts(key).map(quoteIdent).join('.');
      i = close + 1;
    }
    pattern.lastIndex = i;
  }
  return out + parameters.slice(i);
}

/** A foreign key's definition around its referenced table, which it returns as a key. */
function splitReference(definition: string): { before: string; table: string; after: string } | null {
  const at = definition.indexOf(' REFERENCES ');
  if (at < 0) return null;
  const { key, end } = keyAt(definition, at + ' REFERENCES '.length);
  return { before: definition.slice(0, at), table: key, after: definition.slice(end) };
}
