// An environment's objects in an S3-compatible bucket, under its prefix: listed page by page,
// streamed both ways, with the SDK's errors in launchdb's words.
import type { Readable } from 'node:stream';
import { createS3Client, explainS3Error, type S3Place, type S3Sdk } from '../../core/s3-client.js';
import { OWN_PREFIX } from './folder-store.js';
import { noSuchKey, type ObjectStore, type StoredObject } from './object-store.js';
import type { BucketTarget } from './target.js';

export class BucketStore implements ObjectStore {
  readonly location: string;
  private sdk: Promise<S3Sdk> | undefined;

  constructor(
    readonly target: BucketTarget,
    private readonly options: { connectTimeoutMs?: number; configPath: string },
  ) {
    this.location = target.location;
  }

  /** The environment's root in the bucket: `prefix/`, or nothing for the whole bucket. */
  get root(): string {
    return this.target.prefix ? `${this.target.prefix}/` : '';
  }

  get place(): S3Place {
    return {
      where: `S3 at ${this.target.host}:${this.target.port} (bucket ${this.target.bucket})`,
      bucket: this.target.bucket,
      host: `${this.target.host}:${this.target.port}`,
      configPath: this.options.configPath,
      credentials: `the access key id and secret (${this.options.configPath}.accessKeyId and secretAccessKey, the URL's KEY_ID:SECRET@, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)`,
    };
  }

  /** The signed client, for the checks that read the bucket's settings. */
  client(): Promise<S3Sdk> {
    this.sdk ??= createS3Client({
      endpoint: this.target.endpoint,
      region: this.target.region,
      credentials: this.target.credentials,
      forcePathStyle: this.target.forcePathStyle,
      ...(this.options.connectTimeoutMs !== undefined
        ? { connectTimeoutMs: this.options.connectTimeoutMs }
        : {}),
    });
    return this.sdk;
  }

  /** Runs one request; what goes wrong names the endpoint and bucket, never a secret. */
  async call<T>(what: string, request: (sdk: S3Sdk) => Promise<T>): Promise<T> {
    const sdk = await this.client();
    try {
      return await request(sdk);
    } catch (error) {
      throw explainS3Error(what, error, this.place);
    }
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.call('list objects', ({ s3, client }) =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.target.bucket,
            Prefix: `${this.root}${prefix}`,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.root.length);
        if (key && !key.startsWith(OWN_PREFIX)) yield { key, size: object.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *read(key: string): AsyncIterable<Buffer> {
    const { s3, client } = await this.client();
    let body: Readable;
    try {
      const object = await client.send(
        new s3.GetObjectCommand({ Bucket: this.target.bucket, Key: this.root + key }),
      );
      body = object.Body as Readable;
    } catch (error) {
      // Not found stays itself: callers tell a missing object from a store that cannot answer.
      if ((error as { name?: string }).name === 'NoSuchKey') throw noSuchKey(key, this.location);
      throw explainS3Error(`read ${key}`, error, this.place);
    }
    try {
      for await (const chunk of body) yield chunk as Buffer;
    } catch (error) {
      throw explainS3Error(`read ${key}`, error, this.place);
    }
  }

  async write(key: string, body: Buffer | string): Promise<void> {
    await this.call(`write ${key}`, ({ s3, client }) =>
      client.send(new s3.PutObjectCommand({ Bucket: this.target.bucket, Key: this.root + key, Body: body })),
    );
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const { s3, client } = await this.client();
    try {
      const found = await client.send(
        new s3.HeadObjectCommand({ Bucket: this.target.bucket, Key: this.root + key }),
      );
      return { key, size: found.ContentLength ?? 0 };
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw explainS3Error(`read ${key}`, error, this.place);
    }
  }

  async remove(key: string): Promise<void> {
    await this.call(`delete ${key}`, ({ s3, client }) =>
      client.send(new s3.DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.root + key })),
    );
  }

  async close(): Promise<void> {
    const sdk = this.sdk;
    this.sdk = undefined;
    if (sdk) (await sdk.catch(() => undefined))?.client.destroy();
  }
}
