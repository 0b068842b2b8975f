// Attaching Postgres to an environment: embedded, a given URL, or provisioned with an admin URL.
import { UnreachableError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { readSecrets, writeSecrets } from '../../core/secrets.js';
import type { AttachFlags, AttachResult } from '../store-kind.js';
import { ensureCapture } from './audit/ddl-capture.js';
import { checkPostgresUrl, describeUrl } from './connection-url.js';
import { openEmbedded } from './embedded.js';
import { ensureMarker } from './marker.js';
import { provision } from './provision/provision.js';
import { openServer } from './server.js';
import {
  configuredUrl,
  configuredUrlSource,
  connectTimeoutOf,
  databaseNameOf,
  resolveAdminUrl,
  resolvePostgresTarget,
  variableUrl,
} from './target.js';

/**
 * Where the URL came from, printed with the target: `--admin-url`, a config path, `$DATABASE_URL`,
 * an earlier attachment's secrets file; `default` when there is none (embedded).
 */
interface PlanSource {
  source: string;
}

export type AttachPlan = PlanSource &
  (
    | { mode: 'embedded'; dataDir: string; location: string }
    | { mode: 'url'; url: string; record: boolean; location: string }
    | { mode: 'provision'; adminUrl: string; database: string; location: string }
  );

/**
 * What attach will do, decided before anything changes: an explicit --url or --admin-url, then the
 * config's url or adminUrl, then DATABASE_URL or DATABASE_ADMIN_URL, then an earlier attachment,
 * then the embedded default. The plan says which of them it took.
 */
export function planAttach(env: Environment, flags: AttachFlags): AttachPlan {
  const configUrl = configuredUrl(env, 'url');
  const configAdmin = env.config.postgres?.adminUrl ? resolveAdminUrl(env) : undefined;
  const database = databaseNameOf(env);
  const provisionAt = (adminUrl: string, source: string): AttachPlan => ({
    mode: 'provision',
    adminUrl,
    database,
    location: `${describeUrl(adminUrl).replace(/\/[^/]*$/, '')}/${database}`,
    source,
  });
  const useUrl = (url: string, record: boolean, source: string): AttachPlan => ({
    mode: 'url',
    url,
    record,
    location: describeUrl(url),
    source,
  });
  if (flags.url) {
    checkPostgresUrl(flags.url, flags.urlFlag ?? '--url');
    return useUrl(flags.url, true, flags.urlFlag ?? '--url');
  }
  if (flags.adminUrl) {
    checkPostgresUrl(flags.adminUrl, flags.urlFlag ?? '--admin-url');
    return provisionAt(flags.adminUrl, flags.urlFlag ?? '--admin-url');
  }
  if (configUrl) return useUrl(configUrl, false, configuredUrlSource(env, 'url'));
  if (configAdmin) return provisionAt(configAdmin, configuredUrlSource(env, 'adminUrl'));
  const variable = variableUrl(env, 'DATABASE_URL');
  if (variable) return useUrl(variable, true, '$DATABASE_URL');
  const adminVariable = variableUrl(env, 'DATABASE_ADMIN_URL');
  if (adminVariable) return provisionAt(adminVariable, '$DATABASE_ADMIN_URL');
  const target = resolvePostgresTarget(env, {});
  if (target?.backing === 'server') return useUrl(target.url, false, `.launchdb/secrets/${env.name}.env`);
  const dataDir = target?.backing === 'embedded' ? target.dataDir : `${env.stateDir}/${env.name}/postgres`;
  return { mode: 'embedded', dataDir, location: `.launchdb/${env.name}/postgres`, source: 'default' };
}

export async function attachPostgres(
  env: Environment,
  plan: AttachPlan,
  flags: AttachFlags,
): Promise<AttachResult> {
  const started = performance.now();
  const connectTimeoutMs = connectTimeoutOf(env, flags.connectTimeoutMs);
  const base = {
    environment: env.name,
    store: 'postgres' as const,
    mode: plan.mode,
    location: plan.location,
    source: plan.source,
  };
  const done = (rest: Omit<AttachResult, keyof typeof base | 'durationMs'>): AttachResult => ({
    ...base,
    ...rest,
    durationMs: Math.round(performance.now() - started),
  });

  if (plan.mode === 'embedded') {
    const db = await openEmbedded(plan.dataDir, { root: env.root, command: 'attach' });
    try {
      const { created } = await ensureMarker(db, env.project, env.name, plan.location);
      return done({ backing: 'embedded', marked: created });
    } finally {
      await db.close();
    }
  }

  if (plan.mode === 'url') {
    const db = await openServer(plan.url, { connectTimeoutMs, max: 1 });
    try {
      const { created } = await ensureMarker(db, env.project, env.name, plan.location).catch((error) => {
        throw refusedSchema(error, plan.location);
      });
      // Connected as a superuser: DDL made outside launchdb is captured from now on (else check says why not).
      await ensureCapture(db).catch(() => {});
      const secrets = plan.record ? { DATABASE_URL: plan.url } : undefined;
      const secretsFile = secrets ? writeSecrets(env.stateDir, env.name, secrets) : undefined;
      return done({
        backing: 'server',
        marked: created,
        ...(secrets ? { secrets, secretsFile } : {}),
      });
    } finally {
      await db.close();
    }
  }

  const { urls, ...provisioned } = await provision({
    adminUrl: plan.adminUrl,
    project: env.project,
    environment: env.name,
    database: plan.database,
    ...(env.config.postgres?.appRole ? { roles: env.config.postgres.appRole } : {}),
    rotate: flags.rotate === true,
    knownSecrets: readSecrets(env.stateDir, env.name),
    connectTimeoutMs,
  });
  const secretsFile = writeSecrets(env.stateDir, env.name, urls);
  return done({
    backing: 'server',
    marked: provisioned.created.some((item) => item.startsWith('schema launchdb marked')),
    provisioned,
    secrets: urls,
    secretsFile,
  });
}

/** A user who may not create launchdb's schema: the server refused us (exit 3), with the way out. */
function refusedSchema(error: unknown, location: string): unknown {
  const err = error as { code?: string; message?: string };
  if (err.code !== '42501') return error;
  return new UnreachableError(`${location} refused to create schema launchdb: ${err.message}`, {
    cause: error,
    fix: 'grant CREATE on the database to this user, or attach with --admin-url to provision roles',
  });
}
