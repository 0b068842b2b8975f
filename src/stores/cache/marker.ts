// launchdb's marker in an environment's Redis: the key `<prefix>launchdb:marker`, naming the project
// and environment the prefix belongs to, so no other environment ever writes there.
import { UsageError } from '../../core/errors.js';
import type { RedisClient } from './redis-client.js';

export interface CacheMarker {
  project: string;
  environment: string;
  attachedAt: string;
}

export function markerKey(keyPrefix: string): string {
  return `${keyPrefix}launchdb:marker`;
}

/** The marker, or undefined when launchdb never attached this prefix. */
export async function readCacheMarker(
  client: RedisClient,
  keyPrefix: string,
): Promise<CacheMarker | undefined> {
  const text = await client.get(markerKey(keyPrefix));
  if (text === null) return undefined;
  try {
    const marker = JSON.parse(text) as Partial<CacheMarker>;
    if (typeof marker.project === 'string' && typeof marker.environment === 'string') {
      return {
        project: marker.project,
        environment: marker.environment,
        attachedAt: String(marker.attachedAt ?? ''),
      };
    }
  } catch {
    // Not launchdb's: said below, as a marker of no environment.
  }
  return { project: '?', environment: '?', attachedAt: '' };
}

/** A marker of another environment or project is refused (exit 2): environments never share keys. */
export async function ensureCacheMarker(
  client: RedisClient,
  keyPrefix: string,
  project: string,
  environment: string,
  location: string,
): Promise<{ created: boolean; marker: CacheMarker }> {
  const existing = await readCacheMarker(client, keyPrefix);
  if (existing && (existing.project !== project || existing.environment !== environment)) {
    throw new UsageError(
      `${location} prefix "${keyPrefix}" is already attached to environment "${existing.environment}" of project "${existing.project}"; refusing to use it as "${environment}"; nothing was changed`,
      {
        fix: `give ${environment} its own key prefix (cache.keyPrefix) or database: environments must be isolated`,
      },
    );
  }
  if (existing) return { created: false, marker: existing };
  const marker = { project, environment, attachedAt: new Date().toISOString() };
  await client.set(markerKey(keyPrefix), JSON.stringify(marker));
  return { created: true, marker };
}
