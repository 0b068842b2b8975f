// The cache checks on a Redis holding 1,000,000 keys (300,000 with a TTL): the seven checks read INFO
// (and ACL LIST, CONFIG GET save where permitted), never SCAN, so their time must not grow with the
// keys. Timed in-process (runChecks over a fresh CacheSession per run, connect included) and through
// the CLI (`check --env big --json`), against `redis-cli INFO` round trips and the same check of an
// empty database in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, benchProject, median, row, timeRun } from './lib.mjs';

const KEYS = 1_000_000;
const WITH_TTL = 300_000;
const PASSWORD = 'bench-cache-password';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server in its own folder, never the machine's shared one. */
async function startRedis() {
  const folder = mkdtempSync(join(tmpdir(), 'launchdb-bench-redis-'));
  const port = await freePort();
  const conf = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${folder}`,
    'save ""',
    'appendonly no',
    `requirepass ${PASSWORD}`,
    'maxmemory 1gb',
    'maxmemory-policy allkeys-lru',
    'enable-debug-command local',
  ];
  writeFileSync(join(folder, 'redis.conf'), `${conf.join('\n')}\n`);
  const server = spawn('redis-server', [join(folder, 'redis.conf')], { stdio: 'ignore' });
  for (let tries = 0; redisCli(port, ['PING']).trim() !== 'PONG'; tries++) {
    if (tries > 200) throw new Error('redis-server did not start');
    await sleep(25);
  }
  return { server, port, folder };
}

function redisCli(port, args) {
  return spawnSync('redis-cli', ['-p', String(port), '--no-auth-warning', '-a', PASSWORD, ...args], {
    encoding: 'utf8',
  }).stdout;
}

export async function run({ runs = 5 } = {}) {
  const { server, port, folder } = await startRedis();
  const dir = benchProject('bench_cache', {
    big: { cache: { url: `redis://:${PASSWORD}@127.0.0.1:${port}/0` } },
    empty: { cache: { url: `redis://:${PASSWORD}@127.0.0.1:${port}/1` } },
  });
  try {
    for (const name of ['big', 'empty'])
      timeRun(process.execPath, [BIN, 'attach', 'cache', '--env', name], { cwd: dir });
    redisCli(port, ['DEBUG', 'POPULATE', String(KEYS), 'bench_cache:big:k']);
    redisCli(port, [
      'EVAL',
      `for i=0,${WITH_TTL - 1} do redis.call('EXPIRE', ARGV[1] .. i, 3600) end`,
      '0',
      'bench_cache:big:k:',
    ]);
    const keyspace = redisCli(port, ['INFO', 'keyspace']);
    if (!keyspace.includes(`db0:keys=${KEYS + 1},expires=${WITH_TTL}`))
      throw new Error(`filled: ${keyspace}`);

    const { Project } = await import('../dist/core/project.js');
    const { runChecks } = await import('../dist/core/checks/run-checks.js');
    const { cacheChecks } = await import('../dist/stores/cache/checks/index.js');
    const { CacheSession } = await import('../dist/stores/cache/session.js');
    const { resolveCacheTarget } = await import('../dist/stores/cache/target.js');
    const project = await Project.load(dir);
    const env = project.environment('big');
    const inProcess = async () => {
      const started = performance.now();
      const cache = new CacheSession(env, resolveCacheTarget(env));
      const report = await runChecks(
        cacheChecks,
        { project, env, cache, now: new Date() },
        {
          project: 'bench_cache',
          environment: 'big',
        },
      );
      await cache.close();
      const ms = performance.now() - started;
      const statuses = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
      if (statuses['cache.reachable'] !== 'pass' || statuses['cache.not-source-of-truth'] !== 'fail') {
        throw new Error(`unexpected: ${JSON.stringify(report.checks)}`);
      }
      return ms;
    };
    const info = () => {
      const started = performance.now();
      redisCli(port, ['INFO']);
      return performance.now() - started;
    };
    // 70% of the keys have no TTL (not-source-of-truth fails), and both environments share the
    // default user (isolation fails): check exits 1.
    const cli = (name) =>
      timeRun(process.execPath, [BIN, 'check', '--env', name, '--json'], { cwd: dir, okCodes: [1] }).ms;
    await inProcess(); // warm: module loading, first connection.
    const checks = [];
    const infos = [];
    const clis = [];
    const empties = [];
    for (let i = 0; i < runs; i++) {
      checks.push(await inProcess());
      infos.push(info());
      clis.push(cli('big'));
      empties.push(cli('empty'));
    }
    return [
      row(
        `the 7 cache checks in-process on a Redis of ${KEYS.toLocaleString('en-US')} keys (connect, INFO, ACL LIST, CONFIG GET save, a second unauthenticated connection; no SCAN) vs one \`redis-cli INFO\``,
        median(checks),
        median(infos),
      ),
      row(
        `\`check --env big --json\` (${KEYS.toLocaleString('en-US')} keys in db 0) vs \`check --env empty --json\` (db 1 of the same Redis, empty)`,
        median(clis),
        median(empties),
      ),
    ];
  } finally {
    server.kill();
    rmSync(folder, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
