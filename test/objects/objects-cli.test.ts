// Objects through the CLI: attach (folder, and a bucket by --url with its credentials kept secret),
// env list and check --json showing the store, and the bad cases: an unreachable endpoint (exit 3,
// no secret), wrong credentials, a bucket that does not exist.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';
import { type SignedOnlyProxy, startSignedOnlyProxy } from '../helpers/signed-only-proxy.js';

const SECRET = 'never-printed-secret-0451';
let s3: S3Server;
let proxy: SignedOnlyProxy;
let project: TempProject;
let closed: number;

beforeAll(async () => {
  s3 = await startS3Server();
  proxy = await startSignedOnlyProxy({ upstream: s3.endpoint, accessKeyId: s3.accessKeyId });
  closed = await closedPort();
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { objects: {} },
    staging: { objects: { backup: true } },
    missing: { objects: { endpoint: '${proxy.endpoint}', bucket: 'no-such-bucket', accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET') } },
    down: { objects: { endpoint: 'http://127.0.0.1:${closed}', accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET_KEY') } },
    database: { postgres: {} },
  },
}`);
  project.write('.env', `KEY_ID=${s3.accessKeyId}\nSECRET=${s3.secretAccessKey}\nSECRET_KEY=${SECRET}\n`);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await s3?.close();
  project?.remove();
});

describe('attach objects', () => {
  it('embedded: a folder under .launchdb/<env>/objects, marked', async () => {
    const result = await runBin(['attach', 'objects', '--env', 'development'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /attached: objects \(embedded\) to development at \.launchdb\/development\/objects/,
    );
    const marker = JSON.parse(
      readFileSync(join(project.dir, '.launchdb/development/objects/.launchdb/marker.json'), 'utf8'),
    );
    expect(marker).toMatchObject({ project: project.name, environment: 'development' });
    // Its audit trail would live in a Postgres this environment does not have: no alarm about it.
    expect(result.stderr).not.toContain('audit');
    const again = await runCli(['attach', 'objects', '--env', 'development'], { cwd: project.dir });
    expect(again.stdout).toMatch(/already attached/);
  });

  it('a bucket by --url: created, marked, its URL recorded 0600 and never printed', async () => {
    const url = `http://${s3.accessKeyId}:${s3.secretAccessKey}@${proxy.endpoint.slice('http://'.length)}/staging-bucket/app/staging`;
    const result = await runCli(['attach', 'objects', '--env', 'staging', '--url', url, '--json'], {
      cwd: project.dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      store: 'objects',
      backing: 'server',
      marked: true,
      source: '--url',
      location: `${proxy.endpoint.slice('http://'.length)}/staging-bucket/app/staging`,
      provisioned: {
        created: ['bucket staging-bucket', expect.stringMatching(/^marker .*\.launchdb\/marker\.json$/)],
      },
    });
    expect(document.secrets).toBeUndefined();
    const secrets = join(project.dir, '.launchdb/secrets/staging.env');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toContain(`OBJECTS_URL="${url}"`);
  });

  it('refuses an environment that does not declare objects, a URL of another kind; an unreachable endpoint exits 3 naming it, without the secret', async () => {
    const undeclared = await runCli(
      ['attach', 'objects', '--env', 'database', '--url', 'http://127.0.0.1:9/b-1'],
      {
        cwd: project.dir,
      },
    );
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toMatch(
      /environment database declares no objects store\n.*add `objects: \{\}` under environments\.database/,
    );
    const wrong = await runCli(['attach', 'objects', '--env', 'staging', '--url', 'redis://127.0.0.1:6379'], {
      cwd: project.dir,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--url is a redis:\/\/ URL, not an S3 endpoint/);
    const url = `http://AKIDEXAMPLE:${SECRET}@127.0.0.1:${closed}/some-bucket`;
    const down = await runBin(['attach', 'objects', '--env', 'development', '--url', url], {
      cwd: project.dir,
    });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      new RegExp(`cannot reach S3 at 127\\.0\\.0\\.1:${closed} \\(bucket some-bucket\\).*connection refused`),
    );
    expect(down.stdout + down.stderr).not.toContain(SECRET);
  });

  it('wrong credentials are refused: exit 3, the secret not shown', async () => {
    const url = `http://WRONGKEY:${SECRET}@${proxy.endpoint.slice('http://'.length)}/staging-bucket`;
    const result = await runCli(['attach', 'objects', '--env', 'development', '--url', url], {
      cwd: project.dir,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refused the credentials to read the bucket \(HTTP 403\)/);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});

describe('env list and check', () => {
  it('env list shows every environment’s objects, reachable or why not', async () => {
    const result = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const rows = Object.fromEntries(
      JSON.parse(result.stdout).environments.map((env: { environment: string; stores: unknown[] }) => [
        env.environment,
        env.stores[0],
      ]),
    );
    expect(rows.development).toMatchObject({
      store: 'objects',
      backing: 'embedded',
      database: 'objects',
      host: '.launchdb/development/objects',
      status: 'reachable',
      size: '0 objects',
      attached: true,
      marker: { environment: 'development' },
    });
    expect(rows.staging).toMatchObject({
      backing: 'server',
      database: 'staging-bucket/app/staging',
      status: 'reachable',
      attached: true,
      marker: { environment: 'staging' },
    });
    expect(rows.missing).toMatchObject({
      status: 'unreachable',
      error: `the bucket no-such-bucket does not exist at ${proxy.endpoint.slice(7)}`,
    });
    expect(rows.down).toMatchObject({
      status: 'unreachable',
      error: expect.stringMatching(/connection refused/),
    });
    expect(result.stdout).not.toContain(SECRET);
  });

  it('check --json reports the objects area; the private bucket behind the proxy is ready', async () => {
    const result = await runCli(['check', '--env', 'staging', '--json'], { cwd: project.dir });
    const report = JSON.parse(result.stdout);
    const byId = Object.fromEntries(
      report.checks.map((check: { id: string; status: string }) => [check.id, check.status]),
    );
    expect(byId).toMatchObject({
      'objects.reachable': 'pass',
      'objects.public-access': 'pass',
      'objects.isolation': 'pass',
      'objects.backups': 'pass',
      'objects.encryption': 'skip',
    });
    expect(report.checks.every((check: { area: string }) => check.area === 'objects')).toBe(true);
    expect(result.code).toBe(0);
  });

  it('a bucket that does not exist, or an endpoint that does not answer: check exits 3, saying which', async () => {
    const missing = await runCli(['check', '--env', 'missing', '--json'], { cwd: project.dir });
    expect(missing.code).toBe(3);
    const reachable = JSON.parse(missing.stdout).checks.find(
      (check: { id: string }) => check.id === 'objects.reachable',
    );
    expect(reachable).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/the bucket no-such-bucket does not exist/),
    });
    expect(reachable.fix).toMatch(/launchdb attach objects --env missing/);
    const down = await runBin(['check', '--env', 'down'], { cwd: project.dir });
    expect(down.code).toBe(3);
    expect(down.stdout + down.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${closed}`));
    expect(down.stdout + down.stderr).not.toContain(SECRET);
    expect(existsSync(join(project.dir, '.launchdb/down'))).toBe(false);
  });
});
