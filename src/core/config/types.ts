// The shape of `launchdb.config.ts`, documented where it is declared.
import type { CacheStoreConfig } from './cache-config.js';
import type { DocumentsStoreConfig } from './documents-config.js';
import type { Configurable, EnvRef } from './env-ref.js';
import type { ObjectsStoreConfig } from './objects-config.js';

export type { CacheStoreConfig, DocumentsStoreConfig, ObjectsStoreConfig };

export interface PostgresRoleSettings {
  /** `statement_timeout` of the app role, in ms (1 to 2147483647). Default 15000. */
  statementTimeout?: number;
  /** `idle_in_transaction_session_timeout` of the app role, in ms (1 to 2147483647). Default 60000. */
  idleInTransactionTimeout?: number;
  /** `lock_timeout` of the app role, in ms (1 to 2147483647). Default 5000. */
  lockTimeout?: number;
  /** Connection limit of the app role, 1 to 262143 (Postgres' most connections). Default 20. */
  connectionLimit?: number;
}

export interface PostgresStoreConfig {
  /** The app's connection URL. Omit it for the embedded default (PGlite under `.launchdb/<env>/`). */
  url?: Configurable<string>;
  /** A URL with the right to create databases and roles, used by `attach` to provision. */
  adminUrl?: Configurable<string>;
  /** Database name on a server. Default `<project>_<env>`. */
  database?: string;
  /** How long to wait for a connection, in ms (1 to 2147483647, Node's longest timer). Default 10000. */
  connectTimeout?: number;
  /** Settings for the provisioned app role. */
  appRole?: PostgresRoleSettings;
}

export interface EnvironmentConfig {
  /** Changes need the environment's name typed or `--confirm NAME`. `production` is always guarded. */
  guarded?: boolean;
  /** The Postgres store of this environment; `{}` for the embedded default. */
  postgres?: PostgresStoreConfig;
  /** Object storage (docs/OBJECTS.md): a folder under `.launchdb/<env>/objects`, or an S3-compatible bucket. */
  objects?: ObjectsStoreConfig;
  /** A cache (docs/CACHE.md): a private `redis-server` under `.launchdb/<env>/cache`, or Redis by URL. */
  cache?: CacheStoreConfig;
  /** Documents (docs/DOCUMENTS.md): collections on this environment's Postgres, or a Firestore project's rules. */
  documents?: DocumentsStoreConfig;
  /**
   * The data owner: the person (an id from `access.people`) who answers for this environment's data.
   * `access.data-owner` fails a guarded environment without one. @example 'ada'
   */
  owner?: string;
}

export interface ChecksConfig {
  /** Time limit of each check, in ms (1 to 2147483647). Default 15000. */
  timeout?: number;
}

/** The migration layouts launchdb reads in place: its own, or another tool's. */
export const MIGRATION_LAYOUTS = [
  'launchdb',
  'prisma',
  'drizzle',
  'supabase',
  'flyway',
  'dbmate',
  'node-pg-migrate',
] as const;
export type MigrationLayout = (typeof MIGRATION_LAYOUTS)[number];

export interface MigrationsConfig {
  /**
   * Whose migration files these are, read in place: `launchdb` (`<yyyymmddhhmmss>_<name>.sql`),
   * `prisma`, `drizzle` (drizzle-kit), `supabase`, `flyway`, `dbmate` or `node-pg-migrate` (SQL files).
   * Default `launchdb`. `launchdb migrate adopt --from TOOL` then takes over the tool's history.
   */
  layout?: MigrationLayout;
  /**
   * The migrations folder, relative to the project root. Default per layout: `db/migrations`
   * (launchdb, dbmate), `prisma/migrations`, `drizzle`, `supabase/migrations`, `db/migration`
   * (flyway), `migrations` (node-pg-migrate).
   */
  dir?: string;
  /** How long `migrate up` waits for another deploy's migration lock, in ms (1 to 2147483647). Default 60000. */
  lockTimeout?: number;
  /** `lock_timeout` of the migration session, in ms (0 for none, to 2147483647): a migration stuck behind a lock fails. Default 5000. */
  sessionLockTimeout?: number;
  /** `statement_timeout` of the migration session, in ms (0 for none, to 2147483647). Default 600000 (10 minutes). */
  statementTimeout?: number;
}

export interface RequiredIndex {
  /** `table` or `schema.table`; schema `public` when omitted. */
  table: string;
  /** The indexed columns, in order: an index whose leading columns are these satisfies it. */
  columns: string[];
  /** The index must be unique (or a primary key / unique constraint). */
  unique?: boolean;
}

export interface SchemaConfig {
  /** Indexes the application relies on; `schema.required-indexes` fails when one is missing. */
  requiredIndexes?: RequiredIndex[];
}

export interface SeedsConfig {
  /** The seeds folder, relative to the project root: `reference/` and `demo/` under it. Default `db/seeds`. */
  dir?: string;
  /**
   * The upsert key of a JSON/CSV seed table, by table (`plans` or `billing.plans`), when it is not
   * the table's primary key: `{ plans: ['slug'] }`. It needs a unique index on those columns.
   */
  keys?: Record<string, string[]>;
}

/** How launchdb hashes a generated admin secret for `:secret_hash` (docs/ADMIN.md gives each format). */
export const ADMIN_SECRET_HASHES = ['bcrypt', 'scrypt', 'sha256'] as const;

export interface AdminConfig {
  /**
   * One statement, in the app's own schema, that creates an admin from named parameters: `:email`,
   * `:name`, and when `secret` is `password` or `token`, `:secret_hash` (its hash, made by launchdb)
   * or `:secret` (the secret itself, kept out of the server's log or refused).
   */
  create: string;
  /** One statement listing the app's current admins: an `email` column, optionally `name`. */
  list: string;
  /** The product needs an admin to run: `seed.admin-exists` fails when there is none. */
  required?: boolean;
  /**
   * What a new admin is given: `none` (default; the create statement sends an invite), or a
   * generated `password` or `token`, passed as `:secret_hash` or `:secret` and written to a file only
   * its owner reads.
   */
  secret?: 'none' | 'password' | 'token';
  /**
   * How `:secret_hash` hashes the generated secret: `bcrypt` (default for a password), `scrypt`, or
   * `sha256` (default for a token).
   */
  secretHash?: (typeof ADMIN_SECRET_HASHES)[number];
}

export interface ScanPattern {
  /** Names the pattern in findings: `custom.internal-domain`. */
  id: string;
  /** A JavaScript regular expression, matched case-insensitively against each text value. */
  regex: string;
  /** What it finds. Default `placeholder`. */
  kind?: 'demo-user' | 'test-secret' | 'placeholder';
  /** Found in a production-like environment: `fail` or `warn`. Default: `fail` for test secrets, else `warn`. */
  severity?: 'warn' | 'fail';
}

export interface ScanAllow {
  /** A value that may appear, compared case-insensitively: `support@example.com`. */
  value?: string;
  /** A regular expression of values that may appear. */
  pattern?: string;
  /** Only in this column: `table.column` or `schema.table.column`. */
  column?: string;
}

export interface ScanConfig {
  /** More patterns, beside the built-in ones. */
  patterns?: ScanPattern[];
  /** Built-in pattern ids to turn off: `placeholder.sample`. */
  disable?: string[];
  /** Values that are meant to be there; a string is an exact value. */
  allow?: (string | ScanAllow)[];
  /** Rows read per table at most (1 to 2147483647); larger tables are sampled. Default 10000. */
  rowsPerTable?: number;
  /** Tables scanned at once, 1 to 32. Default 4. */
  concurrency?: number;
  /** Tables never scanned: `audit_log` or `schema.table`. */
  exclude?: string[];
}

/**
 * What the app role may do to the app's tables, for `access.app-role-privileges`. By default it
 * needs SELECT, INSERT, UPDATE and DELETE on every one. Entries are `table` (in any schema),
 * `schema.table`, `schema.*` or `*` (every table).
 */
export interface AppRoleAccess {
  /** Tables the app only reads: it needs SELECT and must not hold INSERT, UPDATE or DELETE. */
  readOnly?: string[];
  /** Tables the app must not touch: it needs nothing and must hold none of the four. Wins over `readOnly`. */
  none?: string[];
}

/** A person of the project, who may own an environment's data, approve access, or be given it. */
export interface PersonConfig {
  email: string;
  name?: string;
  /**
   * Login roles this person uses that launchdb did not grant (a DBA made them): `['ada']`. Roles
   * launchdb grants (`<database>_p_<person>`) are found without this.
   */
  roles?: string[];
}

/** A program that logs in to the database: the app, a worker, a provider's admin. */
export interface ServiceConfig {
  /**
   * The role it logs in as: a kind launchdb provisions (`app`, `owner`, `readonly`) or a role's name
   * (`rdsadmin`, `postgres`).
   */
  role: string;
}

export interface AccessConfig {
  /** The app role's rights on the app's tables. */
  appRole?: AppRoleAccess;
  /** The people of the project, by id (lowercase letters, digits, `_`): `{ ada: { email: 'ada@shop.dev', name: 'Ada' } }`. */
  people?: Record<string, PersonConfig>;
  /** The programs that log in, by name: `{ web: { role: 'app' }, migrations: { role: 'owner' } }`. */
  services?: Record<string, ServiceConfig>;
  /** People (ids from `people`) who may approve access to guarded environments. */
  approvers?: string[];
  /** The most people allowed direct access (read or write) to a guarded environment's data, 0 to 10000. Default 2. */
  maxDirect?: number;
  /**
   * The longest personal access `access grant` and `access request` may give, as a duration from
   * `1m` to `30d` (`30m`, `8h`, `1d`). Default `8h`: an afternoon, not a standing right.
   */
  maxGrant?: string;
  /**
   * How long a request for access to a guarded environment waits for approval before it expires on
   * its own, as a duration from `1m` to `30d`. Default `24h`.
   */
  requestTtl?: string;
  /** Server-side auditing of what people do with personal access (pgAudit, where the server loads it). */
  audit?: AccessAuditConfig;
}

export interface AccessAuditConfig {
  /**
   * Also log what people read (`pgaudit.log` gets `read` beside `write, ddl, role`): every SELECT a
   * person runs goes to the server log. Default false.
   */
  read?: boolean;
}

export interface ConnectionsConfig {
  /** `connections.usage` warns at this share of `max_connections` in use (above 0, at most 1). Default 0.75. */
  usageWarn?: number;
  /** …and fails at this share. Default 0.9. */
  usageFail?: number;
  /** `connections.long-running` reports active queries running longer, in ms (1 to 2147483647). Default 60000. */
  longRunning?: number;
  /** `connections.idle-in-transaction` reports sessions idle in a transaction longer, in ms (1 to 2147483647). Default 60000. */
  idleInTransaction?: number;
  /** `connections.blocked` reports sessions waiting on a lock longer, in ms (1 to 2147483647). Default 30000. */
  blocked?: number;
  /** The app's process kinds and how many instances of each run (0 to 10000): `{ web: 2, worker: 1, cron: 1 }`. */
  processes?: Record<string, number>;
  /** A connection pooler in front of the database: `pgbouncer`, or `none` (default). */
  pooler?: 'none' | 'pgbouncer';
  /** The app's source folders, for `launchdb scan code` and `connections.pool-per-request`. */
  source?: string[];
}

export interface LaunchdbConfig {
  /** The project's name: lowercase letters, digits and `_`; databases are named `<project>_<env>`. */
  project: string;
  /** The environments, by name: `development`, `staging`, `production`, or any other. */
  environments: Record<string, EnvironmentConfig>;
  checks?: ChecksConfig;
  migrations?: MigrationsConfig;
  schema?: SchemaConfig;
  seeds?: SeedsConfig;
  /** How the app stores admins, for `launchdb admin` and the `seed.admin-*` checks. */
  admin?: AdminConfig;
  /** The scan for demo data in production-like environments. */
  scan?: ScanConfig;
  /** Who may do what to the data: the people and services, approvers, and the app role's rights on the app's tables. */
  access?: AccessConfig;
  /** Connection thresholds and the app's processes, for the pool, its plan and the connection checks. */
  connections?: ConnectionsConfig;
  /** Where backups go, how they are compressed and encrypted, and how fresh they must be. */
  backups?: BackupsConfig;
  /** Where launchdb keeps the project's own state (verdict history, scheduled runs): see docs/CONTROL.md. */
  control?: ControlConfig;
  /** The jobs `launchdb scheduler run` runs, each on a cron schedule: see docs/SCHEDULER.md. */
  scheduler?: SchedulerConfig;
}

/** What the scheduler can run: each is a launchdb command (docs/SCHEDULER.md lists which). */
export const SCHEDULED_JOBS = [
  'backup',
  'prune',
  'verify',
  'drill',
  'check',
  'access-expire',
  'audit-checkpoint',
  'smoke',
] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOBS)[number];

/** What the scheduler does with slots that passed while no scheduler was running. */
export const CATCH_UP_POLICIES = ['latest', 'none'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export interface SchedulerConfig {
  /** The jobs, each one `job` on one environment; a job runs once per slot of its cron however many schedulers run. */
  jobs: ScheduledJobConfig[];
  /** The time zone of every job that names none: an IANA name such as `Europe/Berlin`. Default `UTC`. */
  timezone?: string;
  /**
   * How long a claim on a slot lasts without a heartbeat, in ms (1000 to 2147483647): after it another
   * scheduler takes the run over. Heartbeats come every third of it. Default 30000.
   */
  lease?: number;
  /** How long SIGTERM waits for running jobs before abandoning them, in ms. Default 60000. */
  grace?: number;
}

export interface ScheduledJobConfig {
  /** What runs: `backup`, `prune`, `verify`, `drill`, `check`, `access-expire`, `audit-checkpoint` or `smoke`. */
  job: ScheduledJobName;
  /** The environment it runs on: one of `environments`. */
  env: string;
  /**
   * When: a cron expression, five fields (minute hour day month weekday) or six with seconds first.
   * @example '0 3 * * *'
   */
  cron: string;
  /** The time zone `cron` is read in. Default `scheduler.timezone`, else `UTC`. */
  timezone?: string;
  /**
   * Slots missed while every scheduler was down: `latest` runs the newest one when a scheduler comes
   * back (the others are recorded as missed), `none` records them all as missed. Default `latest`.
   */
  catchUp?: CatchUpPolicy;
  /** The longest a run may take, in ms: then it is stopped and recorded as failed. Default 6 hours. */
  timeout?: number;
}

export interface ControlConfig {
  /**
   * The control database's URL, shared by a team (several machines, schedulers, consoles). Default:
   * the variable `LAUNCHDB_CONTROL_URL` when set, else embedded under `.launchdb/control/`.
   * @example env('LAUNCHDB_CONTROL_URL')
   */
  url?: Configurable<string>;
}

export interface BackupsConfig {
  /** The local target folder, relative to the project. Default `.launchdb/backups` (one folder per environment under it). */
  dir?: string;
  /** Object storage instead of a local folder: S3 or any S3-compatible server. */
  s3?: S3TargetConfig;
  /**
   * The encryption key: a passphrase or random string of at least 16 characters, always from the
   * environment. Default: the variable `LAUNCHDB_BACKUP_KEY` when it is set. @example env('BACKUP_KEY')
   */
  key?: EnvRef;
  /**
   * age public keys (`age1…`, as `age-keygen` prints them) to encrypt backups to: each backup gets a
   * random key, stored only encrypted to these, so the machine that takes backups holds no secret and
   * cannot read them. When set, new backups use them even if a key is also set (the key still opens
   * older backups). @example ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p']
   */
  recipients?: string[];
  /**
   * The age identity (`AGE-SECRET-KEY-1…`, or an identity file's text) that reads backups encrypted to
   * `recipients`, always from the environment; needed only where backups are verified, restored or
   * drilled. Default: the variable `LAUNCHDB_BACKUP_IDENTITY` when it is set. @example env('BACKUP_IDENTITY')
   */
  identity?: EnvRef;
  /** gzip level of the data, 1 (fastest) to 9 (smallest). Default 1. */
  compressionLevel?: number;
  /** Tables copied at once on a server, 1 to 16. Default 2. */
  workers?: number;
  /** The recovery point objective: the newest backup must be younger than this many ms (at most 366 days). Default 24 h. */
  rpo?: number;
  /**
   * What `backup prune` (and the scheduler's `prune` job) keep: `{ daily: 7, weekly: 4, monthly: 6 }` (each 0 to
   * 10000) or `{ days: 30 }` (1 to 36500).
   */
  retention?: RetentionPolicy;
  /** The people who can restore data, with a way to reach them. */
  restoreOwners?: { name: string; contact: string }[];
  /** Backups the database provider takes, which launchdb cannot see inside: declared, not verified. */
  provider?: {
    name: string;
    automatedBackups: boolean;
    retentionDays?: number;
    pointInTime?: boolean;
  };
}

export interface S3TargetConfig {
  bucket: string;
  /** Key prefix; each environment's backups go under `<prefix>/<env>/`. Default `launchdb`. */
  prefix?: string;
  /** For S3-compatible servers (MinIO, R2, …): `https://…`. Default: AWS S3 in `region`. */
  endpoint?: string | EnvRef;
  /** Default `AWS_REGION`, else `us-east-1`. */
  region?: string;
  /** Default `AWS_ACCESS_KEY_ID` (and the SDK's usual credential chain). */
  accessKeyId?: EnvRef;
  /** Default `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: EnvRef;
  /** Path-style URLs (`endpoint/bucket/key`); default on when an endpoint is given. */
  forcePathStyle?: boolean;
}

export type RetentionPolicy = { daily?: number; weekly?: number; monthly?: number } | { days: number };

/** Types a config file. @example export default defineConfig({ project: 'shop', environments: { development: { postgres: {} } } }) */
export function defineConfig(config: LaunchdbConfig): LaunchdbConfig {
  return config;
}
