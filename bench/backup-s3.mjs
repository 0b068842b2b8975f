// `backup create` to S3-compatible storage on loopback (s3rver, in this process) against the same
// backup to a local folder, on one server database, in the same run; and a drill streaming from S3.
// LAUNCHDB_BENCH_S3_SCALE sets pgbench's scale (default 20, about 300 MB).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const SCALE = Number(process.env.LAUNCHDB_BENCH_S3_SCALE ?? 20);
// The SDK warns that its future versions need Node 22; the pinned one runs here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const BUCKET = 'launchdb-bench';

export async function run({ runs = 3 } = {}) {
  // s3rver in its own process: the timed commands below block this one while they run.
  const storage = mkdtempSync(join(tmpdir(), 'launchdb-bench-s3-'));
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import S3rver from 's3rver';
       const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(storage)} });
       const { port } = await server.run();
       process.stdout.write(port + '\\n');`,
    ],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    server.once('exit', (code) => reject(new Error(`s3rver exited ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  const database = `launchdb_bench_s3_${process.pid}`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const dir = benchProject('bench_s3', { bench: { postgres: { url } } });
  const env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    LAUNCHDB_BACKUP_KEY: '',
  };
  try {
    timeRun('pgbench', ['-i', '-q', '-s', String(SCALE), url]);
    psql(url, 'vacuum analyze');
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'bench'], { cwd: dir });
    const create = (target) =>
      timeRun(process.execPath, [BIN, 'backup', 'create', '--env', 'bench', '--target', target, '--json'], {
        cwd: dir,
        env,
      });
    const local = join(dir, 'local-backups');
    const remote = `s3://${BUCKET}/bench`;
    const toLocal = [];
    const toS3 = [];
    let id;
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        toLocal.push(create(local).ms);
        const s3run = create(remote);
        toS3.push(s3run.ms);
        id = JSON.parse(s3run.stdout).id;
      } else {
        const s3run = create(remote);
        toS3.push(s3run.ms);
        id = JSON.parse(s3run.stdout).id;
        toLocal.push(create(local).ms);
      }
    }
    const drill = (target) =>
      timeRun(
        process.execPath,
        [BIN, 'backup', 'drill', '--env', 'bench', '--target', target, '--scratch-url', admin, '--json'],
        { cwd: dir, env },
      ).ms;
    const drillsS3 = [];
    const drillsLocal = [];
    for (let i = 0; i < runs; i++) {
      drillsS3.push(drill(remote));
      drillsLocal.push(drill(local));
    }
    const size = Number(psql(url, 'select pg_database_size(current_database())').match(/\d+/)?.[0] ?? 0);
    const label = `pgbench scale ${SCALE} (${(size / 1e6).toFixed(0)} MB)`;
    return [
      row(
        `\`backup create\` to S3 on loopback (s3rver) vs to a local folder, ${label} (target: S3 throughput ≥ 0.8× local, i.e. time ≤ 1.25×)`,
        median(toS3),
        median(toLocal),
      ),
      row(
        `\`backup drill\` streaming from S3 vs from a local folder, server scratch, newest backup ${id}`,
        median(drillsS3),
        median(drillsLocal),
      ),
    ];
  } finally {
    client.destroy();
    server.kill();
    rmSync(storage, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    psql(admin, `drop database if exists ${database} with (force)`);
  }
}
