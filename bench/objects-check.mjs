// The objects store through the CLI: `check` of an environment whose objects are an S3 bucket on
// loopback (s3rver in its own process: eight checks, the unsigned probes among them) against the same
// check of a folder environment, and `env list` counting 900 objects in the bucket against the
// folder, in the same run, turns alternating.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, benchProject, median, row, timeRun } from './lib.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const BUCKET = 'bench-objects';
// s3rver answers a truncated ListObjectsV2 (more than 1,000 keys, launchdb's marker among them) with an
// internal error: the bench stays within one page.
const OBJECTS = 900;

/** s3rver in a child process, so the timed commands do not share its event loop. */
async function startS3rver(directory) {
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import S3rver from 's3rver';
       const { port } = await new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)} }).run();
       process.stdout.write(port + '\\n');`,
    ],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    server.once('exit', (code) => reject(new Error(`s3rver exited ${code}`)));
  });
  return { server, endpoint: `http://127.0.0.1:${port}` };
}

export async function run({ runs = 5 } = {}) {
  const storage = mkdtempSync(join(tmpdir(), 'launchdb-bench-objects-'));
  const { server, endpoint } = await startS3rver(storage);
  const dir = benchProject('bench_objects', {
    folder: { objects: { backup: true } },
    bucket: { objects: { endpoint, bucket: BUCKET, backup: true } },
  });
  const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    for (const name of ['folder', 'bucket']) {
      timeRun(process.execPath, [BIN, 'attach', 'objects', '--env', name], { cwd: dir, env });
    }
    const folder = join(dir, '.launchdb', 'folder', 'objects');
    for (let at = 0; at < OBJECTS; at += 50) {
      const keys = Array.from({ length: 50 }, (_, i) => `uploads/${String(at + i).padStart(5, '0')}.txt`);
      await Promise.all(
        keys.map((Key) => client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }))),
      );
      for (const key of keys) {
        mkdirSync(join(folder, 'uploads'), { recursive: true });
        writeFileSync(join(folder, key), key);
      }
    }
    // s3rver answers unsigned requests: the bucket's public-access check fails, `check` exits 1.
    const check = (name) =>
      timeRun(process.execPath, [BIN, 'check', '--env', name, '--json'], { cwd: dir, env, okCodes: [0, 1] })
        .ms;
    const list = () => timeRun(process.execPath, [BIN, 'env', 'list', '--json'], { cwd: dir, env });
    const checkBucket = [];
    const checkFolder = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        checkFolder.push(check('folder'));
        checkBucket.push(check('bucket'));
      } else {
        checkBucket.push(check('bucket'));
        checkFolder.push(check('folder'));
      }
    }
    const listed = JSON.parse(list().stdout).environments.map((e) => e.stores[0].size);
    if (!listed.every((size) => size === `${OBJECTS.toLocaleString('en-US')} objects`)) {
      throw new Error(`env list counted ${listed.join(', ')}`);
    }
    // Anchor for env list: the CLI's own start-up and config load with nothing to probe.
    const lists = [];
    const versions = [];
    for (let i = 0; i < runs; i++) {
      lists.push(list().ms);
      versions.push(timeRun(process.execPath, [BIN, '--version'], { cwd: dir }).ms);
    }
    return [
      row(
        '`check` of a bucket environment on loopback (s3rver: 8 objects checks, the unsigned GET/LIST/PUT probe and the settings read) vs of a folder environment',
        median(checkBucket),
        median(checkFolder),
      ),
      row(
        `\`env list\` counting ${OBJECTS.toLocaleString('en-US')} objects in a bucket (s3rver) and in a folder vs \`launchdb --version\``,
        median(lists),
        median(versions),
      ),
    ];
  } finally {
    client.destroy();
    server.kill();
    rmSync(storage, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
