// Backups in S3-compatible object storage: one prefix per environment, one per backup under it. A
// backup is complete when its manifest object exists (written last); files stream up by multipart
// upload and down as they are read, never staged whole on disk.
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { createS3Client, explainS3Error, type S3Sdk } from '../core/s3-client.js';
import { measure } from './data-codec.js';
import { type BackupTarget, type BackupWriter, ownerAlive, type StoredFile } from './local-target.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without slashes at either end; the environment's name is added under it. */
  prefix: string;
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

const OWNER = '.owner.json';
const MANIFEST = 'manifest.json';
/** A backup without a manifest and without a live owner this old is a leftover on any host. */
const STALE_MS = 24 * 3_600_000;

export class S3Target implements BackupTarget {
  readonly location: string;
  private sdk: Promise<S3Sdk> | undefined;

  constructor(
    readonly where: S3Location,
    readonly environment: string,
  ) {
    this.location = `s3://${where.bucket}/${this.base}`;
  }

  /** `prefix/environment`, the folder of this environment's backups. */
  get base(): string {
    return [this.where.prefix, this.environment].filter(Boolean).join('/');
  }

  /** The endpoint's host, for messages and the offsite check: `s3.amazonaws.com` when none is set. */
  get host(): string {
    return this.where.endpoint
      ? new URL(this.where.endpoint).hostname
      : `s3.${this.where.region}.amazonaws.com`;
  }

  private key(id: string, path = ''): string {
    return `${this.base}/${id}/${path}`;
  }

  private connect(): Promise<S3Sdk> {
    this.sdk ??= createS3Client(this.where);
    return this.sdk;
  }

  /** Runs one request; what goes wrong becomes a launchdb error that names the endpoint, never a secret. */
  private async call<T>(what: string, fn: (sdk: S3Sdk) => Promise<T>): Promise<T> {
    const sdk = await this.connect();
    try {
      return await fn(sdk);
    } catch (error) {
      throw this.explain(what, error);
    }
  }

  explain(what: string, error: unknown): Error {
    return explainS3Error(what, error, {
      where: `S3 at ${this.host} (bucket ${this.where.bucket})`,
      bucket: this.where.bucket,
      host: this.host,
      configPath: 'backups.s3',
    });
  }

  async begin(id: string): Promise<BackupWriter> {
    await this.putText(this.key(id, OWNER), JSON.stringify({ pid: process.pid, host: hostname() }));
    return {
      write: (path, chunks) => this.upload(id, path, chunks),
      writeText: (path, text) => this.putText(this.key(id, path), text),
      commit: () => this.deleteKeys([this.key(id, OWNER)]),
      abort: () => this.remove(id),
    };
  }

  private async upload(id: string, path: string, chunks: AsyncIterable<Buffer>): Promise<StoredFile> {
    const stored = measure(chunks, { lines: false });
    await this.call(`upload ${path}`, async ({ client }) => {
      const { Upload } = await import('@aws-sdk/lib-storage');
      // Parts of 8 MB, two in flight: a backup streams up without being staged on disk.
      await new Upload({
        client,
        params: { Bucket: this.where.bucket, Key: this.key(id, path), Body: Readable.from(stored.chunks) },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      }).done();
    });
    const { bytes, sha256 } = stored.result();
    return { path, bytes, sha256 };
  }

  private putText(key: string, text: string): Promise<void> {
    return this.call(`write ${key}`, async ({ s3, client }) => {
      await client.send(new s3.PutObjectCommand({ Bucket: this.where.bucket, Key: key, Body: text }));
    });
  }

  /** Every key under `prefix`, with when it was written. */
  private async keys(prefix: string): Promise<{ key: string; at: Date }[]> {
    return this.call('list backups', async ({ s3, client }) => {
      const found: { key: string; at: Date }[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.where.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) found.push({ key: object.Key, at: object.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    });
  }

  /** Keys grouped by backup id. */
  private async backups(): Promise<Map<string, { key: string; at: Date }[]>> {
    const byId = new Map<string, { key: string; at: Date }[]>();
    for (const entry of await this.keys(`${this.base}/`)) {
      const id = entry.key.slice(this.base.length + 1).split('/')[0];
      if (!id) continue;
      byId.set(id, [...(byId.get(id) ?? []), entry]);
    }
    return byId;
  }

  async list(): Promise<string[]> {
    const complete: string[] = [];
    for (const [id, entries] of await this.backups()) {
      if (entries.some((entry) => entry.key === this.key(id, MANIFEST))) complete.push(id);
    }
    return complete.sort();
  }

  async *read(id: string, path: string): AsyncIterable<Buffer> {
    const body = await this.call(`read ${path} of ${id}`, async ({ s3, client }) => {
      const object = await client.send(
        new s3.GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(id, path) }),
      );
      return object.Body as Readable;
    });
    try {
      for await (const chunk of body) yield chunk as Buffer;
    } catch (error) {
      throw this.explain(`read ${path} of ${id}`, error);
    }
  }

  readText(id: string, path: string): Promise<string> {
    return this.call(`read ${path} of ${id}`, async ({ s3, client }) => {
      const object = await client.send(
        new s3.GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(id, path) }),
      );
      return (await object.Body?.transformToString('utf8')) ?? '';
    });
  }

  async cleanLeftovers(): Promise<string[]> {
    const cleaned: string[] = [];
    for (const [id, entries] of await this.backups()) {
      if (entries.some((entry) => entry.key === this.key(id, MANIFEST))) continue;
      const ownerEntry = entries.find((entry) => entry.key === this.key(id, OWNER));
      const owner = ownerEntry
        ? await this.readText(id, OWNER)
            .then((text) => JSON.parse(text) as { pid: number; host: string })
            .catch(() => undefined)
        : undefined;
      if (ownerAlive(owner)) continue;
      const newest = Math.max(...entries.map((entry) => entry.at.getTime()));
      if (owner?.host !== hostname() && Date.now() - newest < STALE_MS) continue;
      await this.deleteKeys(entries.map((entry) => entry.key));
      cleaned.push(id);
    }
    return cleaned;
  }

  async remove(id: string): Promise<void> {
    await this.deleteKeys((await this.keys(this.key(id))).map((entry) => entry.key));
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += 1000) {
      const batch = keys.slice(at, at + 1000);
      await this.call('delete', async ({ s3, client }) => {
        await client.send(
          new s3.DeleteObjectsCommand({
            Bucket: this.where.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      });
    }
  }

  readNote(id: string, name: string): Promise<string | undefined> {
    return this.readText(id, name).catch(() => undefined);
  }

  writeNote(id: string, name: string, text: string): Promise<void> {
    return this.putText(this.key(id, name), text);
  }

  removeNote(id: string, name: string): Promise<void> {
    return this.deleteKeys([this.key(id, name)]);
  }

  /** Whether the bucket is public, from its policy status; undefined when the server does not say. */
  async isPublic(): Promise<boolean | undefined> {
    try {
      const { s3, client } = await this.connect();
      const status = await client.send(new s3.GetBucketPolicyStatusCommand({ Bucket: this.where.bucket }));
      return status.PolicyStatus?.IsPublic ?? false;
    } catch (error) {
      // No policy at all: nothing makes it public.
      return (error as { name?: string }).name === 'NoSuchBucketPolicy' ? false : undefined;
    }
  }
}
