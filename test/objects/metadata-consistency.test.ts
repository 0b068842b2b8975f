// objects.metadata-consistency on an embedded folder and embedded Postgres: a table's key column
// against the objects, orphans both ways, the prefix, the bound (sampling), a table or column that
// does not exist, and the skips. The merge's byte order is Postgres's `collate "C"` order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/core/checks/run-checks.js';
import { Project } from '../../src/core/project.js';
import { attachObjects, planAttachObjects } from '../../src/stores/objects/attach.js';
import type { ObjectsCheckContext } from '../../src/stores/objects/checks/context.js';
import { objectsChecks } from '../../src/stores/objects/checks/index.js';
import {
  compareMetadata,
  metadataConsistency,
} from '../../src/stores/objects/checks/metadata-consistency.js';
import { compareKeys, diffSortedKeys } from '../../src/stores/objects/key-diff.js';
import { KEY_PAGE_ROWS } from '../../src/stores/objects/metadata-keys.js';
import type { ObjectStore } from '../../src/stores/objects/object-store.js';
import { ObjectsSession } from '../../src/stores/objects/session.js';
import { resolveObjectsTarget } from '../../src/stores/objects/target.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import type { PostgresSession } from '../../src/stores/postgres/session.js';
import { postgresStore } from '../../src/stores/postgres/store.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';

let project: TempProject;
let loaded: Project;
let objects: ObjectsSession;
let postgres: PostgresSession;
let db: PostgresDatabase;
let store: ObjectStore;
let s3: S3Server;
const others: ObjectsSession[] = [];

const METADATA = "metadata: { table: 'uploads', column: 'key', prefix: 'avatars/' }";

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('metadata-bucket');
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {}, objects: { ${METADATA} } },
    nopostgres: { objects: { ${METADATA} } },
    nometadata: { objects: {} },
    bucket: { objects: { endpoint: '${s3.endpoint}', bucket: 'metadata-bucket', accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET'), ${METADATA} } },
  },
}`);
  project.write('.env', `KEY_ID=${s3.accessKeyId}\nSECRET=${s3.secretAccessKey}\n`);
  loaded = await Project.load(project.dir);
  for (const name of ['development', 'nopostgres', 'nometadata', 'bucket']) {
    const env = loaded.environment(name);
    await attachObjects(env, planAttachObjects(env, {}), {});
  }
  const env = loaded.environment('development');
  objects = sessionOf('development');
  store = await objects.objects();
  postgres = postgresStore.openSession(env, { command: 'test' });
  db = await postgres.db();
  await db.query('create table uploads (id serial primary key, key text)');
}, 60_000);

afterAll(async () => {
  await postgres?.close();
  await Promise.all([objects, ...others].map((session) => session?.close()));
  await s3?.close();
  project?.remove();
});

function sessionOf(name: string): ObjectsSession {
  const env = loaded.environment(name);
  const target = resolveObjectsTarget(env);
  if (!target) throw new Error(`no objects in ${name}`);
  const session = new ObjectsSession(env, target);
  if (name !== 'development') others.push(session);
  return session;
}

/** An environment's check context; `bucket` borrows development's Postgres (one PGlite per file). */
function context(name = 'development'): ObjectsCheckContext {
  const env = loaded.environment(name);
  return {
    project: loaded,
    env,
    objects: name === 'development' ? objects : sessionOf(name),
    ...(name === 'development' || name === 'bucket' ? { postgres } : {}),
    now: new Date(),
  };
}

/** Makes the table's rows and the folder's objects exactly these (objects under any key). */
async function arrange(rows: (string | null)[], keys: string[]): Promise<void> {
  await db.query('truncate uploads');
  for (const row of rows) await db.query('insert into uploads (key) values ($1)', [row]);
  for await (const object of store.list()) await store.remove(object.key);
  for (const key of keys) await store.write(key, `bytes of ${key}`);
}

describe('objects.metadata-consistency', () => {
  it('passes when every row has its object; rows with no key and objects outside the prefix are not compared', async () => {
    await arrange(['1.png', '2.png', '2.png', null], ['avatars/1.png', 'avatars/2.png', 'docs/terms.pdf']);
    const outcome = await metadataConsistency.run(context());
    expect(outcome).toMatchObject({
      status: 'pass',
      summary:
        'every key matches: compared all 2 keys in uploads.key and 2 objects in .launchdb/development/objects under avatars/',
      details: { compared: { rows: 2, objects: 2 }, sampled: false },
    });
  });

  it('fails naming a row whose object is missing, and counts the objects no row names', async () => {
    await arrange(['1.png', '3.png', '4.png'], ['avatars/1.png', 'avatars/2.png', 'avatars/5.png']);
    const outcome = await metadataConsistency.run(context());
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^2 keys in uploads\.key name no object \(first: avatars\/3\.png\), and 2 objects no row names; compared all 3 keys/,
    );
    expect(outcome.details).toMatchObject({
      rowsWithoutObject: { count: 2, first: ['avatars/3.png', 'avatars/4.png'] },
      objectsWithoutRow: { count: 2, first: ['avatars/2.png', 'avatars/5.png'] },
    });
    expect(outcome.fix).toMatch(/restore the missing objects/);
  });

  it('warns when only objects lack rows: a storage leak, not a broken link', async () => {
    await arrange(['1.png'], ['avatars/1.png', 'avatars/orphan.png']);
    const outcome = await metadataConsistency.run(context());
    expect(outcome).toMatchObject({
      status: 'warn',
      details: { objectsWithoutRow: { count: 1, first: ['avatars/orphan.png'] } },
    });
    expect(outcome.summary).toMatch(/^1 object no row of uploads\.key names \(first: avatars\/orphan\.png\)/);
  });

  it('past the bound compares the first keys in byte order and says how many and through which', async () => {
    await arrange(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['avatars/a', 'avatars/b', 'avatars/c', 'avatars/f', 'avatars/g'],
    );
    const metadata = { table: 'uploads', column: 'key', prefix: 'avatars/' };
    const sampled = await compareMetadata(db, store, metadata, { bound: 4 });
    if (typeof sampled === 'string') throw new Error(sampled);
    expect(sampled.diff).toMatchObject({
      compared: { left: 4, right: 3 },
      through: 'avatars/d',
      leftOnly: { count: 1, first: ['avatars/d'] },
      rightOnly: { count: 0 },
    });
    const whole = await compareMetadata(db, store, metadata);
    if (typeof whole === 'string') throw new Error(whole);
    expect(whole.diff.through).toBeUndefined();
    expect(whole.diff).toMatchObject({
      leftOnly: { count: 2, first: ['avatars/d', 'avatars/e'] },
      rightOnly: { count: 1, first: ['avatars/g'] },
    });
  });

  it('reads a table larger than one cursor page', async () => {
    const count = KEY_PAGE_ROWS * 2 + 7;
    await db.query('truncate uploads');
    await db.query(
      `insert into uploads (key) select lpad(i::text, 6, '0') from generate_series(1, ${count}) i`,
    );
    const compared = await compareMetadata(db, store, { table: 'uploads', column: 'key' });
    if (typeof compared === 'string') throw new Error(compared);
    expect(compared.diff.compared.left).toBe(count);
    expect(compared.diff.leftOnly.count).toBe(count);
    expect(compared.diff.leftOnly.first[0]).toBe('000001');
  });

  it('names a table or a column that does not exist, and the check says error with the config key', async () => {
    await expect(compareMetadata(db, store, { table: 'nothere', column: 'key' })).resolves.toBe(
      `the table nothere does not exist in ${db.location}`,
    );
    await expect(compareMetadata(db, store, { table: 'public.uploads', column: 'path' })).resolves.toBe(
      'the table uploads has no column path',
    );
    await db.query('alter table uploads rename column key to path');
    try {
      const outcome = await metadataConsistency.run(context());
      expect(outcome).toMatchObject({
        status: 'error',
        summary: 'the table uploads has no column key',
        fix: 'fix environments.development.objects.metadata.table and environments.development.objects.metadata.column',
      });
    } finally {
      await db.query('alter table uploads rename column path to key');
    }
  });

  it('skips without metadata, naming the config key, and without postgres', async () => {
    await expect(metadataConsistency.run(context('nometadata'))).resolves.toMatchObject({
      status: 'skip',
      fix: "set environments.nometadata.objects.metadata: { table: 'uploads', column: 'key' } to compare the rows with the objects",
    });
    await expect(metadataConsistency.run(context('nopostgres'))).resolves.toMatchObject({
      status: 'skip',
      summary: 'nopostgres declares no postgres store to read uploads.key from',
    });
  });

  it('is one of the objects checks the runner runs', async () => {
    await arrange(['1.png'], ['avatars/1.png']);
    const report = await runChecks(objectsChecks, context(), {
      project: loaded.name,
      environment: 'development',
      only: ['objects'],
    });
    expect(report.checks.find((result) => result.id === 'objects.metadata-consistency')?.status).toBe('pass');
  });
});

describe('objects.metadata-consistency on a bucket (s3rver)', () => {
  it('compares the rows with the bucket’s listing: a row without object fails', async () => {
    await arrange(['1.png', '2.png'], []);
    const bucket = await sessionOf('bucket').objects();
    await bucket.write('avatars/1.png', 'one');
    const outcome = await metadataConsistency.run(context('bucket'));
    expect(outcome).toMatchObject({
      status: 'fail',
      details: {
        compared: { rows: 2, objects: 1 },
        rowsWithoutObject: { count: 1, first: ['avatars/2.png'] },
      },
    });
    expect(outcome.summary).toMatch(/1 objects? in 127\.0\.0\.1:\d+\/metadata-bucket under avatars\//);
  });

  it('refuses a listing out of byte order (s3rver lists a/b before a-b) instead of misreporting orphans', async () => {
    await arrange(['a-b', 'a/b'], []);
    const bucket = await sessionOf('bucket').objects();
    await bucket.write('avatars/a/b', 'x');
    await bucket.write('avatars/a-b', 'x');
    const outcome = await metadataConsistency.run(context('bucket'));
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toMatch(
      /\/metadata-bucket does not list in byte order \("avatars\/a-b" after "avatars\/a\/b"\): a merge would report false orphans$/,
    );
  });
});

describe('the merge of sorted keys', () => {
  it('orders keys as Postgres does under collate "C" (UTF-8 bytes), beyond ASCII too', async () => {
    const keys = ['z', 'é', 'a/b', 'a-b', 'A', '\u{1F600}', '\uFF01', '~'];
    const { rows } = await db.query<{ key: string }>(
      `select k as key from unnest($1::text[]) k order by k collate "C"`,
      [keys],
    );
    expect([...keys].sort(compareKeys)).toEqual(rows.map((row) => row.key));
  });

  it('refuses a stream out of order instead of misreporting orphans', async () => {
    await expect(diffSortedKeys(from(['b', 'a']), from(['a']))).rejects.toThrow(
      'the left keys are not in byte order: "a" after "b"',
    );
  });
});

async function* from(keys: string[]): AsyncIterable<string> {
  yield* keys;
}
