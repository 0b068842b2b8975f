// The environment's object storage as an ObjectStore: its folder or its bucket, by its target.
import { UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { BucketStore } from './bucket-store.js';
import { FolderStore } from './folder-store.js';
import type { ObjectStore } from './object-store.js';
import { type ObjectsTarget, resolveObjectsTarget } from './target.js';

/** The store for a resolved target; nothing connects until it is used. */
export function objectStoreOf(
  env: Environment,
  target: ObjectsTarget,
  options: { connectTimeoutMs?: number } = {},
): FolderStore | BucketStore {
  if (target.backing === 'embedded') return new FolderStore(target.folder, target.location);
  return new BucketStore(target, { ...options, configPath: `environments.${env.name}.objects` });
}

/** The environment's object storage; an environment that declares none is bad input naming the key. */
export function openObjectStore(env: Environment, options: { connectTimeoutMs?: number } = {}): ObjectStore {
  const target = resolveObjectsTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no objects store`, {
      fix: `add \`objects: {}\` under environments.${env.name} in the config`,
    });
  }
  return objectStoreOf(env, target, options);
}
