// The shape of `launchdb.config.ts`, documented where it is declared.
import type { Configurable } from './env-ref.js';

export interface PostgresRoleSettings {
  /** `statement_timeout` of the app role, in ms. Default 15000. */
  statementTimeout?: number;
  /** `idle_in_transaction_session_timeout` of the app role, in ms. Default 60000. */
  idleInTransactionTimeout?: number;
  /** `lock_timeout` of the app role, in ms. Default 5000. */
  lockTimeout?: number;
  /** Connection limit of the app role. Default 20. */
  connectionLimit?: number;
}

export interface PostgresStoreConfig {
  /** The app's connection URL. Omit it for the embedded default (PGlite under `.launchdb/<env>/`). */
  url?: Configurable<string>;
  /** A URL with the right to create databases and roles, used by `attach` to provision. */
  adminUrl?: Configurable<string>;
  /** Database name on a server. Default `<project>_<env>`. */
  database?: string;
  /** How long to wait for a connection, in ms. Default 10000. */
  connectTimeout?: number;
  /** Settings for the provisioned app role. */
  appRole?: PostgresRoleSettings;
}

export interface EnvironmentConfig {
  /** Changes need the environment's name typed or `--confirm NAME`. `production` is always guarded. */
  guarded?: boolean;
  /** The Postgres store of this environment; `{}` for the embedded default. */
  postgres?: PostgresStoreConfig;
}

export interface ChecksConfig {
  /** Time limit of each check, in ms. Default 15000. */
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
  /** How long `migrate up` waits for another deploy's migration lock, in ms. Default 60000. */
  lockTimeout?: number;
  /** `lock_timeout` of the migration session, in ms: a migration stuck behind a lock fails. Default 5000. */
  sessionLockTimeout?: number;
  /** `statement_timeout` of the migration session, in ms. Default 600000 (10 minutes). */
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

export interface LaunchdbConfig {
  /** The project's name: lowercase letters, digits and `_`; databases are named `<project>_<env>`. */
  project: string;
  /** The environments, by name: `development`, `staging`, `production`, or any other. */
  environments: Record<string, EnvironmentConfig>;
  checks?: ChecksConfig;
  migrations?: MigrationsConfig;
  schema?: SchemaConfig;
}

/** Types a config file. @example export default defineConfig({ project: 'shop', environments: { development: { postgres: {} } } }) */
export function defineConfig(config: LaunchdbConfig): LaunchdbConfig {
  return config;
}
