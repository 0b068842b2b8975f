// The objects checks against real S3 protocol servers on loopback: s3rver as it is (it lets unsigned
// requests through: public), behind a proxy that refuses unsigned ones (private) and answers the
// bucket settings s3rver does not implement, and the embedded folder. Each check fails, passes and
// skips where it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, CheckOutcome } from '../../src/core/checks/check.js';
import { runChecks } from '../../src/core/checks/run-checks.js';
import { Project } from '../../src/core/project.js';
import { attachObjects, planAttachObjects } from '../../src/stores/objects/attach.js';
import type { ObjectsCheckContext } from '../../src/stores/objects/checks/context.js';
import { objectsChecks } from '../../src/stores/objects/checks/index.js';
import { openObjectStore } from '../../src/stores/objects/open.js';
import { ObjectsSession } from '../../src/stores/objects/session.js';
import { resolveObjectsTarget } from '../../src/stores/objects/target.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';
import { type SignedOnlyProxy, s3Error, startSignedOnlyProxy } from '../helpers/signed-only-proxy.js';

const DENY_PLAIN_HTTP = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::private-bucket', 'arn:aws:s3:::private-bucket/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});
const ENCRYPTED = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;
const VERSIONED = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
const EXPIRES_OLD_VERSIONS = `<LifecycleConfiguration><Rule><ID>old-versions</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>`;

let s3: S3Server;
/** Refuses unsigned requests and answers good settings: everything passes. */
let strict: SignedOnlyProxy;
/** Refuses unsigned requests; versioned, but no policy, no encryption, no lifecycle. */
let plain: SignedOnlyProxy;
/** A CDN in front that allows any origin with credentials. */
let cdn: SignedOnlyProxy;
/** Private, and the key may only read. */
let readOnly: SignedOnlyProxy;
let project: TempProject;
let loaded: Project;
const sessions: ObjectsSession[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('open-bucket');
  await s3.createBucket('private-bucket');
  const s3api = await import('@aws-sdk/client-s3');
  const client = new s3api.S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  // Public assets' usual CORS: any origin reads, without credentials.
  await client.send(
    new s3api.PutBucketCorsCommand({
      Bucket: 'open-bucket',
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] },
    }),
  );
  client.destroy();
  strict = await startSignedOnlyProxy({
    upstream: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    bucketSettings: {
      policy: DENY_PLAIN_HTTP,
      encryption: ENCRYPTED,
      versioning: VERSIONED,
      lifecycle: EXPIRES_OLD_VERSIONS,
    },
  });
  plain = await startSignedOnlyProxy({
    upstream: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    bucketSettings: {
      policy: { status: 404, body: s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist') },
      encryption: {
        status: 404,
        body: s3Error(
          'ServerSideEncryptionConfigurationNotFoundError',
          'The server side encryption configuration was not found',
        ),
      },
      versioning: VERSIONED,
      lifecycle: {
        status: 404,
        body: s3Error('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist'),
      },
    },
  });
  cdn = await startSignedOnlyProxy({
    upstream: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    preflight: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' },
  });
  readOnly = await startSignedOnlyProxy({
    upstream: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    readOnly: true,
  });
  const keys = "accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET')";
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { objects: {} },
    served: { objects: { publicUrls: ['${cdn.endpoint}/private-bucket/served-folder'] } },
    plainhttp: { objects: { publicUrls: ['http://cdn.example.com/assets'] } },
    open: { objects: { endpoint: '${s3.endpoint}', bucket: 'open-bucket', ${keys}, backup: false } },
    staging: { objects: { endpoint: '${strict.endpoint}', bucket: 'private-bucket', prefix: 'staging', ${keys}, backup: true } },
    preview: { objects: { endpoint: '${plain.endpoint}', bucket: 'private-bucket', prefix: 'preview', ${keys}, publicUrls: ['${s3.endpoint}/private-bucket'] } },
    qa: { objects: { endpoint: '${plain.endpoint}', bucket: 'qa-bucket', ${keys} } },
    qacopy: { objects: { endpoint: '${plain.endpoint}', bucket: 'qa-bucket', prefix: 'copy', ${keys} } },
    readonly: { objects: { endpoint: '${readOnly.endpoint}', bucket: 'private-bucket', prefix: 'readonly', ${keys} } },
    production: { objects: { endpoint: '${strict.endpoint}', bucket: 'private-bucket', prefix: 'production', ${keys} } },
  },
}`);
  project.write('.env', `KEY_ID=${s3.accessKeyId}\nSECRET=${s3.secretAccessKey}\n`);
  loaded = await Project.load(project.dir);
  for (const name of ['development', 'served', 'open', 'staging', 'preview', 'qa', 'production']) {
    const env = loaded.environment(name);
    await attachObjects(env, planAttachObjects(env, {}), {});
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await Promise.all([strict?.close(), plain?.close(), cdn?.close(), readOnly?.close()]);
  await s3?.close();
  project?.remove();
});

const contexts = new Map<string, ObjectsCheckContext>();
function contextOf(name: string): ObjectsCheckContext {
  let context = contexts.get(name);
  if (!context) {
    const env = loaded.environment(name);
    const target = resolveObjectsTarget(env);
    if (!target) throw new Error(`no objects in ${name}`);
    const session = new ObjectsSession(env, target);
    sessions.push(session);
    context = { project: loaded, env, objects: session, now: new Date() };
    contexts.set(name, context);
  }
  return context;
}

function check(id: string): Check<ObjectsCheckContext> {
  const found = objectsChecks.find((one) => one.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

const run = (id: string, env: string): Promise<CheckOutcome> => check(id).run(contextOf(env));

describe('objects.public-access', () => {
  it('fails on s3rver, which answers unsigned GET, LIST and PUT, and says the settings it cannot read', async () => {
    const outcome = await run('objects.public-access', 'open');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /unsigned GET at endpoint \(HTTP 200\); unsigned LIST at endpoint \(HTTP 200\); unsigned PUT at endpoint/,
    );
    expect(outcome.details).toMatchObject({
      settings: { policy: expect.stringMatching(/does not implement the policy status \(NotImplemented\)/) },
    });
  });

  it('passes behind the proxy that refuses unsigned requests, and leaves nothing behind', async () => {
    const outcome = await run('objects.public-access', 'staging');
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'unsigned GET, LIST and PUT refused at endpoint',
    });
    expect(strict.refused).toBeGreaterThanOrEqual(3);
    const store = openObjectStore(loaded.environment('staging'));
    const left: string[] = [];
    for await (const object of store.list()) left.push(object.key);
    await store.close();
    expect(left).toEqual([]);
  });

  it('fails when a public URL serves what the endpoint refuses', async () => {
    const outcome = await run('objects.public-access', 'preview');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      `unsigned GET at publicUrls[0] ${s3.endpoint}/private-bucket (HTTP 200)`,
    );
    expect(outcome.summary).not.toMatch(/at endpoint/);
  });

  it('warns when a read-only key cannot write the canary: LIST and PUT still probed, GET not', async () => {
    const outcome = await run('objects.public-access', 'readonly');
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(
      /^could not probe GET at endpoint: no canary: .* refused the credentials to write/,
    );
    expect(outcome.details).toMatchObject({
      probes: [{ list: { verdict: 'refused' }, put: { verdict: 'refused' } }],
    });
  });

  it('skips a folder nobody serves; probes a folder’s public URL', async () => {
    expect(await run('objects.public-access', 'development')).toMatchObject({
      status: 'skip',
      summary: '.launchdb/development/objects is a local folder, not served: nothing to probe',
    });
    // The cdn serves private-bucket/served-folder from s3rver, not this folder: its canary is not there.
    const served = await run('objects.public-access', 'served');
    expect(served.status).toBe('pass');
  });
});

describe('objects.tls-only', () => {
  it('fails a public URL over plain http off loopback', async () => {
    const outcome = await run('objects.tls-only', 'plainhttp');
    expect(outcome).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^served over plain http: publicUrls\[0\]/),
    });
  });
  it('passes with a policy that denies requests without TLS, fails without; skips where policies are not implemented', async () => {
    expect(await run('objects.tls-only', 'staging')).toMatchObject({ status: 'pass' });
    expect(await run('objects.tls-only', 'preview')).toMatchObject({
      status: 'fail',
      summary:
        'no bucket policy denies requests without TLS (NoSuchBucketPolicy): the bucket answers plain http too',
    });
    expect(await run('objects.tls-only', 'open')).toMatchObject({
      status: 'skip',
      summary: expect.stringMatching(/does not implement bucket policies \(MethodNotAllowed\): cannot tell/),
    });
    expect(await run('objects.tls-only', 'development')).toMatchObject({ status: 'skip' });
  });
});

describe('objects.encryption', () => {
  it('passes with default encryption, warns without, skips where not implemented', async () => {
    expect(await run('objects.encryption', 'staging')).toMatchObject({
      status: 'pass',
      summary: 'objects are encrypted by default (AES256)',
    });
    expect(await run('objects.encryption', 'preview')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('ServerSideEncryptionConfigurationNotFoundError'),
    });
    expect(await run('objects.encryption', 'open')).toMatchObject({
      status: 'skip',
      summary: expect.stringMatching(
        /^127\.0\.0\.1:\d+ does not implement default encryption \(NotImplemented\)$/,
      ),
    });
  });
});

describe('objects.versioning', () => {
  it('passes when versions are kept and old ones expire; warns when versioning is off or keeps them for ever', async () => {
    expect(await run('objects.versioning', 'staging')).toMatchObject({
      status: 'pass',
      summary: 'versioning is on; old versions expire after 30 days',
    });
    expect(await run('objects.versioning', 'open')).toMatchObject({
      status: 'warn',
      summary: 'versioning is off: an overwritten or deleted object cannot be recovered',
    });
    expect(await run('objects.versioning', 'preview')).toMatchObject({
      status: 'warn',
      summary:
        'versioning is on but no lifecycle rule expires old versions under preview/: they are kept (and paid for) for ever',
    });
    expect(await run('objects.versioning', 'development')).toMatchObject({ status: 'skip' });
  });
});

describe('objects.cors', () => {
  it('fails any origin with credentials (at a CDN); passes a wildcard without them, or no CORS', async () => {
    const served = await run('objects.cors', 'served');
    expect(served.status).toBe('fail');
    expect(served.summary).toMatch(/Allow-Origin \*, Allow-Credentials true/);
    expect(await run('objects.cors', 'open')).toMatchObject({
      status: 'pass',
      summary: 'any origin may read without credentials at endpoint (public assets); none with credentials',
    });
    expect(await run('objects.cors', 'staging')).toMatchObject({ status: 'pass' });
    expect(await run('objects.cors', 'development')).toMatchObject({ status: 'skip' });
  });
});

describe('objects.isolation', () => {
  it('passes a marked place of its own; refuses to attach over another environment’s marker', async () => {
    expect(await run('objects.isolation', 'staging')).toMatchObject({ status: 'pass' });
    expect(await run('objects.isolation', 'development')).toMatchObject({ status: 'pass' });
    const copy = loaded.environment('qacopy');
    await expect(attachObjects(copy, planAttachObjects(copy, {}), {})).resolves.toMatchObject({
      marked: true,
    });
  });

  it('fails a bucket that another environment’s prefix lies inside', async () => {
    const outcome = await run('objects.isolation', 'qa');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/qa-bucket is shared with qacopy \(127\.0\.0\.1:\d+\/qa-bucket\/copy\)/);
  });

  it('fails a place never attached, or marked for another environment', async () => {
    const store = openObjectStore(loaded.environment('production'));
    await store.write(
      '.launchdb/marker.json',
      JSON.stringify({ project: loaded.name, environment: 'staging' }),
    );
    await store.close();
    expect(await run('objects.isolation', 'production')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/is marked for environment "staging"/),
    });
    const production = loaded.environment('production');
    await expect(attachObjects(production, planAttachObjects(production, {}), {})).rejects.toThrow(
      /already attached to environment "staging".*refusing to use it as "production"/,
    );
  });
});

describe('objects.backups', () => {
  it('passes when included, warns when excluded, fails a guarded environment that says nothing', async () => {
    expect(await run('objects.backups', 'staging')).toMatchObject({ status: 'pass' });
    expect(await run('objects.backups', 'open')).toMatchObject({ status: 'warn' });
    expect(await run('objects.backups', 'preview')).toMatchObject({ status: 'warn' });
    expect(await run('objects.backups', 'production')).toMatchObject({ status: 'fail' });
  });
});

describe('a store that cannot be reached', () => {
  it('fails objects.reachable; the other checks skip, naming it', async () => {
    const context = contextOf('plainhttp');
    expect(await check('objects.reachable').run(context)).toMatchObject({
      status: 'fail',
      summary: '.launchdb/plainhttp/objects does not exist: objects are not attached to plainhttp',
      fix: 'run `launchdb attach objects --env plainhttp`',
    });
    const report = await runChecks([check('objects.isolation')], context, {
      project: loaded.name,
      environment: 'plainhttp',
      strict: false,
    });
    expect(report.checks[0]).toMatchObject({
      status: 'skip',
      summary: 'not evaluated: objects at .launchdb/plainhttp/objects is unreachable (see objects.reachable)',
    });
  });
});
