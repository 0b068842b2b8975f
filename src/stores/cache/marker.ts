// launchdb's marker in an environment's Redis: the key `<prefix>launchdb:marker`, naming the project
// and environment the prefix belongs to, so no other environment ever writes there.
import { claimMarker, parseMarker, type StoreMarker } from '../store-marker.js';
import type { RedisClient } from './redis-client.js';

export type CacheMarker = StoreMarker;

export function markerKey(keyPrefix: string): string {
  return `${keyPrefix}launchdb:marker`;
}

/** The marker, or undefined when launchdb never attached this prefix. */
export async function readCacheMarker(
  client: RedisClient,
  keyPrefix: string,
): Promise<CacheMarker | undefined> {
  const text = await client.get(markerKey(keyPrefix));
  return text === null ? undefined : parseMarker(text);
}

/** A marker of another environment or project is refused (exit 2): environments never share keys. */
export async function ensureCacheMarker(
  client: RedisClient,
  keyPrefix: string,
  project: string,
  environment: string,
  location: string,
): Promise<{ created: boolean; marker: CacheMarker }> {
  const claimed = claimMarker(await readCacheMarker(client, keyPrefix), {
    project,
    environment,
    where: `${location} prefix "${keyPrefix}"`,
    fix: `give ${environment} its own key prefix (cache.keyPrefix) or database: environments must be isolated`,
  });
  if (claimed.created) await client.set(markerKey(keyPrefix), JSON.stringify(claimed.marker));
  return claimed;
}
