// Where an environment's Postgres is: resolved as flag, config, recorded attachment, embedded default.
import { join } from 'node:path';
import { isEnvRef } from '../../core/config/env-ref.js';
import { UsageError } from '../../core/errors.js';
import { type Environment, resolveValue } from '../../core/project.js';
import { readSecrets } from '../../core/secrets.js';
import { checkPostgresUrl, parseConnectionUrl } from './connection-url.js';

export type PostgresTarget = EmbeddedTarget | ServerTarget;

export interface EmbeddedTarget {
  backing: 'embedded';
  dataDir: string;
  /** The environment's folder, shown in output. */
  location: string;
}

export interface ServerTarget {
  backing: 'server';
  /** The app's URL (`DATABASE_URL`). */
  url: string;
  /** The owner's URL for migrations (`DATABASE_MIGRATION_URL`), else the app's. */
  migrationUrl: string;
  readonlyUrl?: string;
  /** Where the URL came from, for messages and `env list`. */
  source: 'flag' | 'config' | 'attachment';
  host: string;
  port: number;
  database: string;
}

export interface TargetFlags {
  url?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The environment's Postgres, or undefined when the config declares no Postgres store for it. */
export function resolvePostgresTarget(env: Environment, flags: TargetFlags = {}): PostgresTarget | undefined {
  const store = env.config.postgres;
  if (!store && !flags.url) return undefined;
  const configured = configuredUrl(env, 'url');
  const secrets = readSecrets(env.stateDir, env.name);
  const url = flags.url ?? configured ?? secrets.DATABASE_URL;
  if (!url) {
    const dataDir = join(env.stateDir, env.name, 'postgres');
    return { backing: 'embedded', dataDir, location: `.launchdb/${env.name}/postgres` };
  }
  const source = flags.url ? 'flag' : configured ? 'config' : 'attachment';
  const fromAttachment = source === 'attachment';
  const info = parseConnectionUrl(url);
  return {
    backing: 'server',
    url,
    migrationUrl: (fromAttachment && secrets.DATABASE_MIGRATION_URL) || url,
    ...(fromAttachment && secrets.DATABASE_READONLY_URL
      ? { readonlyUrl: secrets.DATABASE_READONLY_URL }
      : {}),
    source,
    host: info.host,
    port: info.port,
    database: info.database,
  };
}

/**
 * The environment's server, for a command that needs one: no Postgres store is bad input naming the
 * config key to add; an embedded database is the caller's `embedded` error, saying why not there.
 */
export function requireServerTarget(env: Environment, embedded: () => Error): ServerTarget {
  const target = resolvePostgresTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no Postgres store`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  if (target.backing === 'embedded') throw embedded();
  return target;
}

/** The admin URL for provisioning: flag, config, then `DATABASE_ADMIN_URL`. */
export function resolveAdminUrl(env: Environment, flag?: string): string | undefined {
  return flag ?? configuredUrl(env, 'adminUrl') ?? variableUrl(env, 'DATABASE_ADMIN_URL');
}

/**
 * The config's `postgres.url` or `postgres.adminUrl`. The schema checked a literal URL; one read
 * by `env('NAME')` is checked here, naming the config path and the variable.
 */
export function configuredUrl(env: Environment, key: 'url' | 'adminUrl'): string | undefined {
  const value = env.config.postgres?.[key];
  const path = `environments.${env.name}.postgres.${key}`;
  const resolved = resolveValue(env, value, path);
  if (resolved !== undefined && isEnvRef(value)) checkPostgresUrl(resolved, `${path} (from $${value.name})`);
  return resolved;
}

/** Where the config's `postgres.url` or `postgres.adminUrl` is, and the variable it reads, for output. */
export function configuredUrlSource(env: Environment, key: 'url' | 'adminUrl'): string {
  const value = env.config.postgres?.[key];
  const path = `environments.${env.name}.postgres.${key}`;
  return isEnvRef(value) ? `${path}, $${value.name}` : path;
}

/** A URL from the environment's variables (`DATABASE_URL`), checked; undefined when unset or empty. */
export function variableUrl(env: Environment, name: string): string | undefined {
  const value = env.vars[name];
  if (!value) return undefined;
  checkPostgresUrl(value, `$${name}`);
  return value;
}

export function connectTimeoutOf(env: Environment, flag?: number): number {
  return flag ?? env.config.postgres?.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
}

/** The database name launchdb gives an environment on a server: `<project>_<env>`. */
export function databaseNameOf(env: Environment): string {
  return env.config.postgres?.database ?? `${env.project}_${env.name}`.replace(/-/g, '_');
}
