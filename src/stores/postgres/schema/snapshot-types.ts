// The shape of a normalised catalog snapshot: plain JSON, keyed by stable names, never by OIDs.
//
// Keys are schema-qualified (`public.users`, `public.users.email`, `public.f(integer)`); a name is
// quoted in a key only when it is not a plain lowercase identifier. Every field is always present
// (null rather than missing), so two snapshots compare with a deep equality and hash the same; the
// exceptions are the column and view fields added after the first backups (marked "only when"), left
// out when unset so a database without them snapshots and hashes as it did before.

/** A whole database's schema, as drift and restore verification compare it. */
export interface CatalogSnapshot {
  /** By name: `public`. */
  schemas: Record<string, SchemaEntry>;
  /** By name: `pgcrypto`. */
  extensions: Record<string, ExtensionEntry>;
  /** User collations (`CREATE COLLATION`), by `schema.collation`. */
  collations: Record<string, CollationEntry>;
  /** Tables, partitioned and foreign tables, by `schema.table`. */
  tables: Record<string, TableEntry>;
  /** Columns of tables, by `schema.table.column`. */
  columns: Record<string, ColumnEntry>;
  /** Primary keys, unique, foreign key, check and exclusion constraints, by `schema.table.constraint`. */
  constraints: Record<string, ConstraintEntry>;
  /** Indexes that no constraint owns (those are under `constraints`), by `schema.index`. */
  indexes: Record<string, IndexEntry>;
  /** Extended statistics objects (`CREATE STATISTICS`), by `schema.statistics`. */
  statistics: Record<string, StatisticsEntry>;
  /** Views and materialized views, by `schema.view`. */
  views: Record<string, ViewEntry>;
  /** By `schema.sequence`; identity and serial sequences included. */
  sequences: Record<string, SequenceEntry>;
  /** Functions, procedures and aggregates, by `schema.name(argument types)`. */
  functions: Record<string, FunctionEntry>;
  /** User triggers (not the internal ones behind foreign keys), by `schema.table.trigger`. */
  triggers: Record<string, TriggerEntry>;
  /** User rules (not the `_RETURN` rule that is a view's query), by `schema.relation.rule`. */
  rules: Record<string, RuleEntry>;
  /** By `schema.type`. */
  enums: Record<string, EnumEntry>;
  /** By `schema.domain`. */
  domains: Record<string, DomainEntry>;
  /** Composite, range and base types, by `schema.type`. */
  types: Record<string, TypeEntry>;
  /** Row-level security policies, by `schema.table.policy`. */
  policies: Record<string, PolicyEntry>;
  /** Privileges that differ from the built-in defaults, by `<object> to <grantee>`. */
  grants: Record<string, GrantEntry>;
  /** `ALTER DEFAULT PRIVILEGES` entries, by `for role R [in schema S] on <kind> to <grantee>`. */
  defaultPrivileges: Record<string, DefaultPrivilegeEntry>;
}

export type SnapshotFamily = keyof CatalogSnapshot;

/** Families added after the first backups were taken: a snapshot stored before them has none. */
export type LaterFamily = 'collations' | 'statistics' | 'rules';

/** A snapshot as a backup stores it: one taken by an earlier launchdb lacks the later families. */
export type StoredSnapshot = Omit<CatalogSnapshot, LaterFamily> & Partial<Pick<CatalogSnapshot, LaterFamily>>;

/** Present only when the snapshot was taken with `owners: true`. */
interface Owned {
  owner?: string;
}

export interface SchemaEntry extends Owned {
  comment: string | null;
}

export interface CollationEntry extends Owned {
  provider: 'libc' | 'icu' | 'builtin';
  /** The ICU or builtin locale (`und-u-ks-level2`); null for libc. */
  locale: string | null;
  /** `LC_COLLATE` and `LC_CTYPE` of a libc collation; null for the others. */
  lcCollate: string | null;
  lcCtype: string | null;
  deterministic: boolean;
  /** ICU tailoring rules (Postgres 16+); null for none. */
  icuRules: string | null;
  comment: string | null;
}

export interface ExtensionEntry {
  schema: string;
  /** Null when the snapshot was taken with `extensionVersions: false`. */
  version: string | null;
}

export interface TableEntry extends Owned {
  kind: 'table' | 'partitioned table' | 'foreign table';
  unlogged: boolean;
  /** `RANGE (created_at)`, from `pg_get_partkeydef`, for a partitioned table. */
  partitionKey: string | null;
  /** The parent's key, for a partition. */
  partitionOf: string | null;
  /** `FOR VALUES FROM (…) TO (…)`, for a partition. */
  partitionBound: string | null;
  /** Parents by plain (not partition) inheritance, in order. */
  inherits: string[];
  /** Storage parameters (`fillfactor=70`), sorted. */
  options: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  replicaIdentity: 'default' | 'nothing' | 'full' | 'index';
  comment: string | null;
}

export interface ColumnEntry {
  /** The table's key. */
  table: string;
  /** 1-based rank among the table's columns (dropped columns leave no gap). */
  position: number;
  /** `format_type`: `character varying(255)`, `public.mood`. */
  type: string;
  notNull: boolean;
  /** `pg_get_expr` of the default; null for none and for generated columns. */
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** `(price * quantity) stored`; null when not generated. */
  generated: string | null;
  /** Only when it differs from the type's own collation. */
  collation: string | null;
  comment: string | null;
  /** `SET STORAGE`: only when it differs from the type's default storage. */
  storage?: 'plain' | 'external' | 'extended' | 'main';
  /** `SET STATISTICS`: only when set (Postgres 15's -1 and 17's null both mean not set). */
  statistics?: number;
  /** `SET (n_distinct=100)` attribute options, sorted: only when there are any. */
  options?: string[];
  /** `SET COMPRESSION` (`pglz`, `lz4`): only when set. */
  compression?: string;
}

export interface ConstraintEntry {
  table: string;
  type: 'primary key' | 'unique constraint' | 'foreign key' | 'check constraint' | 'exclusion constraint';
  /** `pg_get_constraintdef`: `FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE`. */
  definition: string;
  comment: string | null;
}

export interface IndexEntry {
  table: string;
  /** `pg_get_indexdef`, every name schema-qualified. */
  definition: string;
  /** False after a failed `CREATE INDEX CONCURRENTLY`. */
  valid: boolean;
  comment: string | null;
}

export interface ViewEntry extends Owned {
  materialized: boolean;
  /** `pg_get_viewdef`, whitespace collapsed, no final `;`. Major versions print one query differently. */
  definition: string;
  /** `name type` of each output column, in order: what the view returns, the same on every version. */
  columns: string[];
  options: string[];
  /** False for a materialized view created `WITH NO DATA`; always true for a view. */
  populated: boolean;
  comment: string | null;
  /** Comments on its columns, by column name (spelled as in keys): only when there are any. */
  columnComments?: Record<string, string>;
}

export interface SequenceEntry extends Owned {
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** `schema.table.column` of an identity or serial column, else null. The current value is data, not schema. */
  ownedBy: string | null;
  comment: string | null;
}

export interface FunctionEntry extends Owned {
  kind: 'function' | 'procedure' | 'aggregate' | 'window function';
  /** `pg_get_functiondef`, or for an aggregate its parts as `CREATE AGGREGATE` would take them. */
  definition: string;
  comment: string | null;
}

export interface TriggerEntry {
  table: string;
  /** `pg_get_triggerdef`. */
  definition: string;
  enabled: 'origin' | 'always' | 'replica' | 'disabled';
  comment: string | null;
}

export interface StatisticsEntry extends Owned {
  /** The table's key. */
  table: string;
  /** `pg_get_statisticsobjdef`: `CREATE STATISTICS app.s (ndistinct) ON a, b FROM app.t`. */
  definition: string;
  /** `ALTER STATISTICS … SET STATISTICS`; null for the default (Postgres 15's -1, 17's null). */
  target: number | null;
  comment: string | null;
}

export interface RuleEntry {
  /** The table's or view's key. */
  table: string;
  /** `pg_get_ruledef`, whitespace collapsed, no final `;`. */
  definition: string;
  enabled: 'origin' | 'always' | 'replica' | 'disabled';
  comment: string | null;
}

export interface EnumEntry extends Owned {
  /** In sort order. */
  labels: string[];
  comment: string | null;
}

export interface DomainEntry extends Owned {
  type: string;
  notNull: boolean;
  default: string | null;
  collation: string | null;
  /** `CONSTRAINT positive CHECK (VALUE > 0)`, sorted. */
  constraints: string[];
  comment: string | null;
}

export interface TypeEntry extends Owned {
  kind: 'composite type' | 'range type' | 'base type';
  /** `(x integer, y integer)` for a composite, `SUBTYPE = numeric` for a range, its functions for a base type. */
  definition: string;
  comment: string | null;
}

export interface PolicyEntry {
  table: string;
  command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  permissive: boolean;
  /** Role names, sorted; `PUBLIC` for everyone. */
  roles: string[];
  using: string | null;
  check: string | null;
  comment: string | null;
}

export interface GrantEntry {
  /** `table public.users`, `column public.users.email`, `function public.f(integer)`, `schema public`. */
  object: string;
  /** A role name (after renaming) or `PUBLIC`. */
  grantee: string;
  /** Held beyond the built-in default: `SELECT`, `UPDATE WITH GRANT OPTION`; sorted. */
  granted: string[];
  /** Built-in defaults taken away, such as `EXECUTE` from `PUBLIC` on a function; sorted. */
  revoked: string[];
}

export interface DefaultPrivilegeEntry {
  /** The role whose new objects get these privileges. */
  role: string;
  /** Null for every schema. */
  schema: string | null;
  on: 'tables' | 'sequences' | 'functions' | 'types' | 'schemas';
  grantee: string;
  granted: string[];
  /** Only for entries on every schema, which replace the built-in default. */
  revoked: string[];
}
