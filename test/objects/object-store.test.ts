// ObjectStore, folder and bucket: the same keys listed in the same order, read, written, removed,
// launchdb's own marker never listed; where an environment's objects resolve to.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { BucketStore } from '../../src/stores/objects/bucket-store.js';
import { FolderStore } from '../../src/stores/objects/folder-store.js';
import type { ObjectStore } from '../../src/stores/objects/object-store.js';
import { openObjectStore } from '../../src/stores/objects/open.js';
import { parseObjectsUrl, resolveObjectsTarget } from '../../src/stores/objects/target.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';

let s3: S3Server;
let project: TempProject;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('shared-bucket');
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { objects: {} },
    staging: { objects: { endpoint: '${s3.endpoint}', bucket: 'shared-bucket', prefix: 'app/staging', accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET') } },
    production: { postgres: {} },
  },
}`);
  project.write('.env.staging', 'KEY_ID=S3RVER\nSECRET=S3RVER\n');
});

afterAll(async () => {
  project?.remove();
  await s3?.close();
});

async function keysOf(store: ObjectStore, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

async function textOf(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

const KEYS = ['a/b.txt', 'a-b.txt', 'a/c/d.txt', 'z.txt'];
const IN_KEY_ORDER = [...KEYS].sort();

describe.each(['folder', 'bucket'] as const)('the %s store', (kind) => {
  let store: ObjectStore;
  beforeAll(async () => {
    const env = (await Project.load(project.dir)).environment(kind === 'folder' ? 'development' : 'staging');
    store = openObjectStore(env);
    expect(store).toBeInstanceOf(kind === 'folder' ? FolderStore : BucketStore);
    for (const key of KEYS) await store.write(key, `body of ${key}`);
    await store.write('.launchdb/marker.json', '{}');
  });
  afterAll(() => store.close());

  it('lists every key in key order, without launchdb’s own marker', async () => {
    // s3rver lists folder by folder (`a/…` before `a-b`), not in S3's byte order: the folder store
    // keeps S3's, which the bucket's order is compared against once sorted.
    const inOrder = (keys: string[]) => (kind === 'folder' ? keys : [...keys].sort());
    expect(inOrder(await keysOf(store))).toEqual(IN_KEY_ORDER);
    expect(inOrder(await keysOf(store, 'a/'))).toEqual(['a/b.txt', 'a/c/d.txt']);
    expect(inOrder(await keysOf(store, 'a'))).toEqual(['a-b.txt', 'a/b.txt', 'a/c/d.txt']);
  });

  it('reads, heads and removes; a missing key is NoSuchKey', async () => {
    expect(await textOf(store.read('a/c/d.txt'))).toBe('body of a/c/d.txt');
    expect(await store.head('z.txt')).toEqual({ key: 'z.txt', size: 'body of z.txt'.length });
    expect(await store.head('nope.txt')).toBeUndefined();
    await expect(textOf(store.read('nope.txt'))).rejects.toMatchObject({ code: 'NoSuchKey' });
    await store.write('gone.txt', 'x');
    await store.remove('gone.txt');
    await store.remove('gone.txt');
    expect(await store.head('gone.txt')).toBeUndefined();
  });
});

describe('where the objects are', () => {
  it('embedded: the environment’s folder; server: the bucket and prefix under it', async () => {
    const loaded = await Project.load(project.dir);
    const development = resolveObjectsTarget(loaded.environment('development'));
    expect(development).toMatchObject({ backing: 'embedded', location: '.launchdb/development/objects' });
    expect(development?.backing === 'embedded' && development.folder).toBe(
      join(project.dir, '.launchdb', 'development', 'objects'),
    );
    const staging = resolveObjectsTarget(loaded.environment('staging'));
    expect(staging).toMatchObject({
      backing: 'server',
      bucket: 'shared-bucket',
      prefix: 'app/staging',
      source: 'config',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    expect(staging?.location).toMatch(/^127\.0\.0\.1:\d+\/shared-bucket\/app\/staging$/);
    expect(resolveObjectsTarget(loaded.environment('production'))).toBeUndefined();
    // A URL: the bucket defaults to <project>-<env>.
    expect(
      resolveObjectsTarget(loaded.environment('production'), { url: 'https://s3.example.com' }),
    ).toMatchObject({
      bucket: `${project.name}-production`.replace(/_/g, '-'),
      port: 443,
    });
  });

  it('a URL names the bucket and prefix as its path and the credentials as its user', () => {
    expect(parseObjectsUrl('http://AK:S%2FK@127.0.0.1:9000/b-1/x/y', '--url')).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'b-1',
      prefix: 'x/y',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'S/K' },
    });
    expect(() => parseObjectsUrl('redis://127.0.0.1', '--url')).toThrow(/redis:\/\/ URL, not an S3 endpoint/);
    expect(() => parseObjectsUrl('http://127.0.0.1/Bad_Bucket', '--url')).toThrow(/not an S3 bucket name/);
    expect(() => parseObjectsUrl('http://AK@127.0.0.1/b-1', '--url')).toThrow(
      /access key id without its secret/,
    );
  });

  it('a key that would leave the folder is refused', async () => {
    const dir = join(project.dir, 'escape');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(project.dir, 'secret.txt'), 'no');
    const store = new FolderStore(dir, 'escape');
    await expect(store.write('../secret.txt', 'x')).rejects.toThrow(/not an object key/);
  });
});

describe('the objects config section', () => {
  it('names each bad value with its path', async () => {
    const bad = tempProject(`{
  project: '{project}',
  environments: {
    development: { objects: { endpoint: 'ftp://files', bucket: 'Bad_Bucket', prefix: '/lead', publicUrls: ['cdn.example.com'], metadata: { table: 'a.b.c', column: 'key' }, colour: 'red' } },
  },
}`);
    try {
      await expect(Project.load(bad.dir)).rejects.toMatchObject({
        problems: expect.arrayContaining([
          expect.stringMatching(
            /environments\.development\.objects\.endpoint: expected an http\(s\):\/\/ URL/,
          ),
          expect.stringMatching(/environments\.development\.objects\.bucket: expected an S3 bucket name/),
          expect.stringMatching(/environments\.development\.objects\.prefix: expected a key prefix/),
          expect.stringMatching(
            /environments\.development\.objects\.publicUrls\.0: expected an http\(s\):\/\/ URL/,
          ),
          expect.stringMatching(
            /environments\.development\.objects\.metadata\.table: expected `table` or `schema\.table`/,
          ),
          expect.stringMatching(/environments\.development\.objects.*colour/),
        ]),
      });
    } finally {
      bad.remove();
    }
  });
});
