// Attaching object storage to an environment: its folder, or a bucket (created when missing) and
// prefix; either way marked with the environment, and a marker of another environment refused.
import { mkdir } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { explainS3Error } from '../../core/s3-client.js';
import { writeSecrets } from '../../core/secrets.js';
import type { AttachFlags, AttachPlan, AttachResult } from '../store-kind.js';
import type { BucketStore } from './bucket-store.js';
import { ensureObjectsMarker } from './marker.js';
import { objectStoreOf } from './open.js';
import { type ObjectsTarget, RECORDED_URL, resolveObjectsTarget } from './target.js';

export interface ObjectsAttachPlan extends AttachPlan {
  target: ObjectsTarget;
  /** The URL to record in the secrets file: given by --url. */
  record?: string;
}

export function planAttachObjects(env: Environment, flags: AttachFlags): ObjectsAttachPlan {
  if (flags.adminUrl) {
    throw new UsageError(
      'objects take no --admin-url: launchdb creates the bucket with the --url credentials',
      {
        fix: `run \`launchdb attach objects --env ${env.name} --url http(s)://KEY_ID:SECRET@host:port/bucket\``,
      },
    );
  }
  if (!env.config.objects) {
    // Attached but undeclared, it would be in no check and no `env list`.
    throw new UsageError(`environment ${env.name} declares no objects store`, {
      fix: `add \`objects: {}\` under environments.${env.name} in the config, then attach`,
    });
  }
  const urlFlag = flags.urlFlag ?? '--url';
  const target = resolveObjectsTarget(env, { ...(flags.url ? { url: flags.url } : {}), urlFlag });
  if (!target) throw new Error(`environment ${env.name} resolves no objects target`);
  const path = `environments.${env.name}.objects`;
  const source =
    target.backing === 'embedded'
      ? 'default'
      : target.source === 'flag'
        ? urlFlag
        : target.source === 'config'
          ? path
          : `.launchdb/secrets/${env.name}.env`;
  return {
    mode: target.backing === 'embedded' ? 'folder' : 'bucket',
    location: target.location,
    source,
    how: target.backing === 'embedded' ? 'folder' : 'S3 bucket',
    target,
    ...(flags.url ? { record: flags.url } : {}),
  };
}

export async function attachObjects(
  env: Environment,
  plan: ObjectsAttachPlan,
  flags: AttachFlags,
): Promise<AttachResult> {
  const started = performance.now();
  const store = objectStoreOf(
    env,
    plan.target,
    flags.connectTimeoutMs ? { connectTimeoutMs: flags.connectTimeoutMs } : {},
  );
  try {
    const created: string[] = [];
    if ('folder' in store) await mkdir(store.folder, { recursive: true });
    else if (await ensureBucket(store)) created.push(`bucket ${store.target.bucket}`);
    const marked = await ensureObjectsMarker(store, env.project, env.name);
    if (marked.created) created.push(`marker ${plan.location}/.launchdb/marker.json`);
    const secrets = plan.record ? { [RECORDED_URL]: plan.record } : undefined;
    const secretsFile = secrets ? writeSecrets(env.stateDir, env.name, secrets) : undefined;
    return {
      environment: env.name,
      store: 'objects',
      backing: plan.target.backing,
      mode: plan.mode,
      location: plan.location,
      source: plan.source,
      marked: marked.created,
      provisioned: { created, differences: [] },
      ...(secrets ? { secrets, secretsFile } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await store.close();
  }
}

/** Creates the bucket when it is not there (private: S3's default); true when it did. */
async function ensureBucket(store: BucketStore): Promise<boolean> {
  const bucket = store.target.bucket;
  const { s3, client } = await store.client();
  const exists = await client.send(new s3.HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    (error) => {
      // HeadBucket has no body: a missing bucket is a bare 404.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw explainS3Error('read the bucket', error, store.place);
    },
  );
  if (exists) return false;
  await store.call(`create the bucket ${bucket}`, ({ s3, client }) =>
    client.send(new s3.CreateBucketCommand({ Bucket: bucket })),
  );
  return true;
}
