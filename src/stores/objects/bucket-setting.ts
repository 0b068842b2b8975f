// One of a bucket's settings read with the signed client, told apart: set, not set, or not
// implemented by this endpoint (a check then skips, saying so, and never passes on a guess).

import { explainS3Error, type S3Sdk, s3ErrorName } from '../../core/s3-client.js';
import type { BucketStore } from './bucket-store.js';

export type Setting<T> =
  | { state: 'set'; value: T }
  /** Implemented, never made: `reason` is the endpoint's error name (`NoSuchBucketPolicy`). */
  | { state: 'unset'; reason: string }
  | { state: 'unsupported'; reason: string };

/** The error names S3 answers with when a setting was never made. */
const UNSET = new Set([
  'NoSuchBucketPolicy',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchLifecycleConfiguration',
  'NoSuchCORSConfiguration',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchWebsiteConfiguration',
]);

/** Reads `what` (`the bucket policy`); an endpoint that does not implement it is `unsupported`. */
export async function readSetting<T>(
  store: BucketStore,
  what: string,
  request: (sdk: S3Sdk, bucket: string) => Promise<T>,
): Promise<Setting<T>> {
  const sdk = await store.client();
  try {
    return { state: 'set', value: await request(sdk, store.target.bucket) };
  } catch (error) {
    const name = s3ErrorName(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (UNSET.has(name)) return { state: 'unset', reason: name };
    if (name === 'NotImplemented' || status === 501 || name === 'MethodNotAllowed' || status === 405) {
      return {
        state: 'unsupported',
        reason: `${store.target.host}:${store.target.port} does not implement ${what} (${name})`,
      };
    }
    throw explainS3Error(`read ${what}`, error, store.place);
  }
}
