// Attaching a cache to an environment: the embedded private redis-server (started, left running), a
// Redis by URL, or an ACL user provisioned with an admin URL; each marked with the environment, and
// a marker of another environment refused.
import { UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { readSecrets, writeSecrets } from '../../core/secrets.js';
import type { AttachFlags, AttachPlan, AttachResult } from '../store-kind.js';
import { ensureEmbeddedRedis } from './embedded.js';
import { ensureCacheMarker } from './marker.js';
import { provisionAclUser } from './provision.js';
import { closeRedis, connectRedis, type RedisClient } from './redis-client.js';
import {
  aclUserOf,
  type CacheTarget,
  connectTimeoutOf,
  describeAddress,
  parseRedisUrl,
  RECORDED_URL,
  resolveCacheAdminUrl,
  resolveCacheTarget,
} from './target.js';

export interface CacheAttachPlan extends AttachPlan {
  mode: 'embedded' | 'url' | 'provision';
  target: CacheTarget;
  /** The admin URL provisioning logs in with. */
  admin?: { url: string; source: string };
  /** The URL to record in the secrets file: given by --url. */
  record?: string;
}

export function planAttachCache(env: Environment, flags: AttachFlags): CacheAttachPlan {
  if (!env.config.cache) {
    // Attached but undeclared, it would be in no check and no `env list`.
    throw new UsageError(`environment ${env.name} declares no cache`, {
      fix: `add \`cache: {}\` under environments.${env.name} in the config, then attach`,
    });
  }
  const urlFlag = flags.urlFlag ?? '--url';
  const admin = resolveCacheAdminUrl(env, flags.adminUrl, flags.adminUrl ? urlFlag : undefined);
  if (admin && flags.url) {
    throw new UsageError('give --url or --admin-url, not both', {
      fix: '--admin-url provisions the environment’s own Redis user and records its URL; --url uses a URL as it is',
    });
  }
  if (admin) {
    const address = parseRedisUrl(admin.url, admin.source);
    const target = resolveCacheTarget(env, { url: admin.url, urlFlag: admin.source }) as CacheTarget;
    return {
      mode: 'provision',
      location: describeAddress(address),
      source: admin.source,
      how: `Redis ACL user ${aclUserOf(env.project, env.name)} on`,
      target,
      admin,
    };
  }
  const target = resolveCacheTarget(env, {
    ...(flags.url ? { url: flags.url } : {}),
    urlFlag,
  }) as CacheTarget;
  return {
    mode: target.backing === 'embedded' ? 'embedded' : 'url',
    location: target.location,
    source: target.source,
    how: target.backing === 'embedded' ? 'embedded redis-server' : 'Redis',
    target,
    ...(flags.url ? { record: flags.url } : {}),
  };
}

export async function attachCache(
  env: Environment,
  plan: CacheAttachPlan,
  flags: AttachFlags,
): Promise<AttachResult> {
  const started = performance.now();
  const timeout = connectTimeoutOf(env, flags.connectTimeoutMs);
  const created: string[] = [];
  const differences: string[] = [];
  let rotated = false;
  let appUrl: string;
  let record: string | undefined = plan.record;
  if (plan.mode === 'embedded') {
    const embedded = await ensureEmbeddedRedis(plan.target, {
      environment: env.name,
      path: env.vars.PATH ?? process.env.PATH,
      start: true,
    });
    if (embedded.started) created.push(`redis-server under ${plan.location} (left running for the app)`);
    appUrl = embedded.url;
    record = embedded.url;
  } else if (plan.mode === 'provision' && plan.admin) {
    const admin = await connectRedis(plan.admin.url, timeout);
    try {
      const outcome = await provisionAclUser(admin, {
        address: parseRedisUrl(plan.admin.url, plan.admin.source),
        user: aclUserOf(env.project, env.name),
        keyPrefix: plan.target.keyPrefix,
        recordedUrl: readSecrets(env.stateDir, env.name)[RECORDED_URL],
        rotate: flags.rotate === true,
      }).catch((error) => {
        throw refusedAcl(error, plan);
      });
      created.push(...outcome.created);
      differences.push(...outcome.differences);
      rotated = outcome.rotated;
      appUrl = outcome.url;
      record = outcome.url;
    } finally {
      closeRedis(admin);
    }
  } else {
    appUrl = plan.target.url as string;
  }
  const client = await connectRedis(appUrl, timeout);
  let marked: boolean;
  try {
    marked = await mark(client, env, plan);
  } finally {
    closeRedis(client);
  }
  const secrets = record ? { [RECORDED_URL]: record } : undefined;
  const secretsFile = secrets ? writeSecrets(env.stateDir, env.name, secrets) : undefined;
  return {
    environment: env.name,
    store: 'cache',
    backing: plan.target.backing,
    mode: plan.mode,
    location: plan.location,
    source: plan.source,
    marked,
    provisioned: { created, differences, ...(rotated ? { rotated } : {}) },
    ...(secrets ? { secrets, secretsFile } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

async function mark(client: RedisClient, env: Environment, plan: CacheAttachPlan): Promise<boolean> {
  const where = `Redis at ${plan.location}`;
  try {
    const { created } = await ensureCacheMarker(client, plan.target.keyPrefix, env.project, env.name, where);
    return created;
  } catch (error) {
    if (/^NOPERM/.test(String((error as Error).message))) {
      throw new UsageError(
        `the Redis user of ${plan.location} may not write ${plan.target.keyPrefix}launchdb:marker`,
        {
          fix: `allow it the keys ~${plan.target.keyPrefix}*, or set cache.keyPrefix to the prefix it may use`,
        },
      );
    }
    throw error;
  }
}

/** An admin URL whose user may not manage ACL users is bad input naming what it needs. */
function refusedAcl(error: unknown, plan: CacheAttachPlan): unknown {
  if (!/^NOPERM|^ERR unknown command/.test(String((error as Error).message))) return error;
  return new UsageError(`the admin URL's user at ${plan.location} may not run ACL SETUSER`, {
    fix: 'give an admin URL whose user has +acl (the server’s default user, or one with +@admin), or attach with --url',
  });
}
