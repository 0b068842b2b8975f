// `env list`'s row for object storage: where, reachable or why not, how many objects (counted up to
// a cap), and the marker.
import type { Environment } from '../../core/project.js';
import { type ListOptions, notConfigured, problem, type StoreListing, UNKNOWN } from '../store-listing.js';
import { readObjectsMarker } from './marker.js';
import { ObjectsSession } from './session.js';
import { type ObjectsTarget, resolveObjectsTarget } from './target.js';

/** Objects counted at most: beyond, the size says "≥ 10,000 objects" rather than list a whole bucket. */
export const COUNT_CAP = 10_000;

export async function listObjects(env: Environment, options: ListOptions): Promise<StoreListing> {
  let target: ObjectsTarget | undefined;
  try {
    target = resolveObjectsTarget(env);
  } catch (error) {
    return notConfigured({ store: 'objects', backing: 'server' }, error);
  }
  if (!target) throw new Error(`environment ${env.name} declares objects but resolves no target`);
  if (target.backing === 'server' && target.credentials)
    options.secrets.add(target.credentials.secretAccessKey);
  const base = {
    store: 'objects',
    backing: target.backing,
    database:
      target.backing === 'embedded' ? 'objects' : [target.bucket, target.prefix].filter(Boolean).join('/'),
    host: target.backing === 'embedded' ? target.location : `${target.host}:${target.port}`,
  } as const;
  const session = new ObjectsSession(env, target, {
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  try {
    const store = await session.connect();
    const marker = await readObjectsMarker(store);
    const { count, bytes, capped } = await countObjects(store.list());
    return {
      ...base,
      status: 'reachable',
      reachable: true,
      version: null,
      size: `${capped ? '≥ ' : ''}${count.toLocaleString('en-US')} object${count === 1 ? '' : 's'}`,
      sizeBytes: capped ? null : bytes,
      attached: marker !== undefined,
      marker: marker ?? null,
    };
  } catch (error) {
    const notAttached = target.backing === 'embedded';
    return {
      ...base,
      status: notAttached ? 'not attached' : 'unreachable',
      ...UNKNOWN,
      ...problem(error),
    };
  } finally {
    await session.close();
  }
}

async function countObjects(objects: AsyncIterable<{ size: number }>) {
  let count = 0;
  let bytes = 0;
  for await (const object of objects) {
    if (count === COUNT_CAP) return { count, bytes, capped: true };
    count += 1;
    bytes += object.size;
  }
  return { count, bytes, capped: false };
}
