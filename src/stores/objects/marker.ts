// launchdb's marker in an environment's object storage: `.launchdb/marker.json` under its root,
// naming the project and environment it belongs to, so no other environment ever writes there.
import { claimMarker, parseMarker, type StoreMarker } from '../store-marker.js';
import { OWN_PREFIX } from './folder-store.js';
import type { ObjectStore } from './object-store.js';

export type ObjectsMarker = StoreMarker;

export const MARKER_KEY = `${OWN_PREFIX}marker.json`;

/** The marker, or undefined when launchdb never attached this folder or bucket prefix. */
export async function readObjectsMarker(store: ObjectStore): Promise<ObjectsMarker | undefined> {
  if (!(await store.head(MARKER_KEY))) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of store.read(MARKER_KEY)) chunks.push(chunk);
  return parseMarker(Buffer.concat(chunks).toString('utf8'));
}

/** A marker of another environment or project is refused (exit 2): environments never share objects. */
export async function ensureObjectsMarker(
  store: ObjectStore,
  project: string,
  environment: string,
): Promise<{ created: boolean; marker: ObjectsMarker }> {
  const claimed = claimMarker(await readObjectsMarker(store), {
    project,
    environment,
    where: store.location,
    fix: `give ${environment} its own bucket or prefix (objects.bucket, objects.prefix): environments must be isolated`,
  });
  if (claimed.created) await store.write(MARKER_KEY, `${JSON.stringify(claimed.marker, null, 2)}\n`);
  return claimed;
}
