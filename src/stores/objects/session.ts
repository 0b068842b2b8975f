// One environment's object storage for the length of a command: checked once, lazily, closed once.
import { existsSync } from 'node:fs';
import { StoreUnavailable } from '../../core/checks/check.js';
import { isLaunchdbError, UnreachableError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { explainS3Error } from '../../core/s3-client.js';
import type { BucketStore } from './bucket-store.js';
import type { FolderStore } from './folder-store.js';
import { objectStoreOf } from './open.js';
import type { ObjectsTarget } from './target.js';

export class ObjectsSession {
  readonly store: FolderStore | BucketStore;
  private reached: Promise<FolderStore | BucketStore> | undefined;

  constructor(
    readonly env: Environment,
    readonly target: ObjectsTarget,
    options: { connectTimeoutMs?: number } = {},
  ) {
    this.store = objectStoreOf(env, target, options);
  }

  get location(): string {
    return this.target.location;
  }

  /** Reaches the store (once): the folder exists, or the bucket answers; rejects with why not. */
  connect(): Promise<FolderStore | BucketStore> {
    this.reached ??= reach(this.env, this.store);
    return this.reached;
  }

  /** The store for a check; unreachable becomes StoreUnavailable, which the runner reports as skip. */
  async objects(): Promise<FolderStore | BucketStore> {
    try {
      return await this.connect();
    } catch (error) {
      if (isLaunchdbError(error))
        throw new StoreUnavailable(`objects at ${this.location}`, 'objects.reachable');
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

async function reach(env: Environment, store: FolderStore | BucketStore): Promise<FolderStore | BucketStore> {
  if ('folder' in store) {
    if (!existsSync(store.folder)) {
      throw new UnreachableError(
        `${store.location} does not exist: objects are not attached to ${env.name}`,
        {
          fix: `run \`launchdb attach objects --env ${env.name}\``,
        },
      );
    }
    return store;
  }
  const { s3, client } = await store.client();
  try {
    await client.send(new s3.HeadBucketCommand({ Bucket: store.target.bucket }));
  } catch (error) {
    // HeadBucket has no body: a missing bucket is a bare 404. Attach creates it.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      throw new UnreachableError(`the bucket ${store.target.bucket} does not exist at ${store.place.host}`, {
        fix: `run \`launchdb attach objects --env ${env.name}\` to create it, or fix environments.${env.name}.objects.bucket`,
      });
    }
    throw explainS3Error('read the bucket', error, store.place);
  }
  return store;
}
