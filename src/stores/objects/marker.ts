// launchdb's marker in an environment's object storage: `.launchdb/marker.json` under its root,
// naming the project and environment it belongs to, so no other environment ever writes there.
import { UsageError } from '../../core/errors.js';
import { OWN_PREFIX } from './folder-store.js';
import type { ObjectStore } from './object-store.js';

export interface ObjectsMarker {
  project: string;
  environment: string;
  attachedAt: string;
}

export const MARKER_KEY = `${OWN_PREFIX}marker.json`;

/** The marker, or undefined when launchdb never attached this folder or bucket prefix. */
export async function readObjectsMarker(store: ObjectStore): Promise<ObjectsMarker | undefined> {
  if (!(await store.head(MARKER_KEY))) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of store.read(MARKER_KEY)) chunks.push(chunk);
  try {
    const marker = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<ObjectsMarker>;
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

/** A marker of another environment or project is refused (exit 2): environments never share objects. */
export async function ensureObjectsMarker(
  store: ObjectStore,
  project: string,
  environment: string,
): Promise<{ created: boolean; marker: ObjectsMarker }> {
  const existing = await readObjectsMarker(store);
  if (existing && (existing.project !== project || existing.environment !== environment)) {
    throw new UsageError(
      `${store.location} is already attached to environment "${existing.environment}" of project "${existing.project}"; refusing to use it as "${environment}"; nothing was changed`,
      {
        fix: `give ${environment} its own bucket or prefix (objects.bucket, objects.prefix): environments must be isolated`,
      },
    );
  }
  if (existing) return { created: false, marker: existing };
  const marker = { project, environment, attachedAt: new Date().toISOString() };
  await store.write(MARKER_KEY, `${JSON.stringify(marker, null, 2)}\n`);
  return { created: true, marker };
}
