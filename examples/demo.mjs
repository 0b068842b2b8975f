// The quick start's main job: the launch-readiness flow of the example shop on the embedded default.
// Each step is the real CLI, run as a user would run it; the last step is the verdict.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const cwd = fileURLToPath(new URL('./shop/', import.meta.url));
const env = process.argv[2] ?? 'production';
// Every run starts from nothing, as on a fresh clone: the embedded databases live in .launchdb/.
rmSync(new URL('./shop/.launchdb/', import.meta.url), { recursive: true, force: true });
rmSync(new URL('./shop/logs/', import.meta.url), { recursive: true, force: true });

const steps = [
  ['attach postgres', ['attach', 'postgres', '--env', env, '--confirm', env]],
  ['lint migrations', ['migrate', 'lint']],
  ['apply migrations', ['migrate', 'up', '--env', env, '--confirm', env]],
  ['migration status', ['migrate', 'status', '--env', env, '--check']],
  ['seed reference data (demo data never reaches production)', ['seed', '--env', env, '--confirm', env]],
  [
    'create the initial admin, on purpose, with its owner',
    [
      'admin',
      'create',
      '--env',
      env,
      '--confirm',
      env,
      '--email',
      'ops@shop.dev',
      '--name',
      'Shop Operator',
      '--owner',
      'Ada Lovelace <ada@shop.dev>',
      '--reason',
      'runs the shop on launch day',
    ],
  ],
  ['admins and their owners', ['admin', 'list', '--env', env]],
  ['scan for demo data', ['scan', 'data', '--env', env]],
  // The app runs: the shop's HTTP app on the embedded database (served over the wire), smoke-tested
  // through its public routes and proven in the store, then stopped.
  ['start the shop app', 'start-app'],
  [
    'smoke test: the five steps through the live app',
    ['smoke', '--env', env, '--confirm', env, '--app-url', 'APP_URL'],
  ],
  ['stop the shop app', 'stop-app'],
  ['back up, encrypted', ['backup', 'create', '--env', env]],
  ['prove the backup restores: a drill into a scratch database', ['backup', 'drill', '--env', env]],
  ['environments', ['env', 'list']],
  // The scheduler takes the nightly backup and prune jobs (scheduler.jobs) from here on.
  ['start the scheduler: the nightly backup and prune jobs', 'start-scheduler'],
  ['scheduled jobs', ['scheduler', 'status', '--env', env]],
  ['readiness report', ['check', '--env', env]],
];

// The backup key lives outside the project, in the environment; for the demo, a new one each run.
const childEnv = { ...process.env, LAUNCHDB_BACKUP_KEY: randomBytes(24).toString('base64') };
let code = 0;
let app;
let scheduler;
try {
  for (const [title, args] of steps) {
    if (args === 'start-scheduler') {
      process.stdout.write(`\n── ${title}: launchdb scheduler run --env ${env} --confirm ${env}\n`);
      scheduler = await startScheduler();
      continue;
    }
    if (args === 'start-app') {
      process.stdout.write(`\n── ${title}: launchdb serve --env ${env}, then node app/server.mjs\n`);
      app = await startApp();
      continue;
    }
    if (args === 'stop-app') {
      process.stdout.write(`\n── ${title}\n`);
      await app.stop();
      app = undefined;
      continue;
    }
    const argv = args.map((arg) => (arg === 'APP_URL' ? app.url : arg));
    process.stdout.write(`\n── ${title}: launchdb ${argv.join(' ')}\n`);
    const result = spawnSync(process.execPath, [bin, ...argv], { cwd, stdio: 'inherit', env: childEnv });
    code = result.status ?? 1;
    if (code !== 0) break;
  }
} finally {
  await app?.stop();
  await scheduler?.stop();
}
process.exitCode = code;

/** `launchdb scheduler run` in the background, once it has registered itself; stopped at the end. */
async function startScheduler() {
  const child = spawn(process.execPath, [bin, 'scheduler', 'run', '--env', env, '--confirm', env], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: childEnv,
  });
  const id = (await firstLine(child.stdout, /scheduler (\S+) started/))[1];
  process.stdout.write(`scheduler ${id} runs ${env}'s jobs\n`);
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return { stop };
}

/** `launchdb serve` for the environment's embedded database, then the app on the URL it prints. */
async function startApp() {
  const serve = spawn(process.execPath, [bin, 'serve', '--env', env, '--port', '0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const databaseUrl = (await firstLine(serve.stdout, /^DATABASE_URL=(.+)$/))[1];
  const server = spawn(process.execPath, ['app/server.mjs'], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_FILE: 'logs/app.log' },
  });
  const url = (await firstLine(server.stdout, /^listening on (http:\/\/\S+)$/))[1];
  process.stdout.write(`the shop app listens on ${url}, its database served at ${databaseUrl}\n`);
  const stop = async () => {
    for (const child of [server, serve]) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  return { url, stop };
}

/** The first line of `stream` matching `pattern` (its match), or a failure if the process ends first. */
function firstLine(stream, pattern) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        const match = pattern.exec(line.trim());
        if (match) {
          stream.off('data', onData);
          stream.resume();
          resolve(match);
          return;
        }
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`the process ended before printing ${pattern}`)));
  });
}
