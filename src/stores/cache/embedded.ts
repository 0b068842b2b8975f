// The embedded cache: a private `redis-server` for the environment, its config, data and log under
// `.launchdb/<env>/cache`, on a free loopback port with a generated password. Started on demand by
// the command that needs it and left running for the app (its pid and port recorded in server.json);
// a later command reuses it when its process is alive and answers, else starts it again.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError, UsageError } from '../../core/errors.js';
import { newPassword } from '../postgres/provision/passwords.js';
import { readEmbeddedState, writeEmbeddedState } from './embedded-state.js';
import { closeRedis, connectRedis } from './redis-client.js';
import { type CacheTarget, embeddedUrl } from './target.js';

const START_TIMEOUT_MS = 10_000;

/** The running server's URL: the recorded one when it answers, else a newly started one. */
export async function ensureEmbeddedRedis(
  target: CacheTarget,
  options: { environment: string; path: string | undefined; start: boolean },
): Promise<{ url: string; started: boolean }> {
  const state = readEmbeddedState(target.folder);
  if (state && isAlive(state.pid)) {
    const url = embeddedUrl(state.port, state.password);
    if (await answers(url)) return { url, started: false };
  }
  if (!options.start) {
    throw new UnreachableError(
      state
        ? `the embedded Redis under ${target.location} is not running`
        : `the cache is not attached: ${target.location} has no Redis`,
      { fix: `run \`launchdb attach cache --env ${options.environment}\`` },
    );
  }
  const binary = findRedisServer(options.path);
  mkdirSync(target.folder, { recursive: true, mode: 0o700 });
  const password = state?.password ?? newPassword();
  const port = state && (await isFree(state.port)) ? state.port : await freePort();
  const configFile = join(target.folder, 'redis.conf');
  writeFileSync(configFile, redisConf(target, port, password), { mode: 0o600 });
  const log = openSync(join(target.folder, 'redis.log'), 'a');
  const child = spawn(binary, [configFile], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const pid = child.pid ?? 0;
  const url = embeddedUrl(port, password);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (Date.now() > deadline || child.exitCode !== null || !isAlive(pid)) {
      throw new UnreachableError(
        `redis-server did not start under ${target.location}: ${lastLine(join(target.folder, 'redis.log'))}`,
        { fix: `read ${target.location}/redis.log` },
      );
    }
    await sleep(50);
  }
  writeEmbeddedState(target.folder, { port, pid, password, startedAt: new Date().toISOString() });
  return { url, started: true };
}

/**
 * The server's config, set for what the environment holds so its own checks pass: a bounded memory
 * evicting by LRU for a cache, only keys with a TTL for sessions, nothing and an AOF for durable data.
 */
function redisConf(target: CacheTarget, port: number, password: string): string {
  const policy =
    target.holds === 'cache' ? 'allkeys-lru' : target.holds === 'sessions' ? 'volatile-lru' : 'noeviction';
  return `${[
    '# written by launchdb attach cache: the environment’s private Redis',
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    'daemonize no',
    `dir ${JSON.stringify(target.folder)}`,
    `requirepass ${password}`,
    'maxmemory 256mb',
    `maxmemory-policy ${policy}`,
    'save ""',
    `appendonly ${target.durable ? 'yes' : 'no'}`,
  ].join('\n')}\n`;
}

/** `redis-server` on the PATH; missing is bad input naming the package to install. */
export function findRedisServer(path: string | undefined): string {
  for (const folder of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(folder, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw new UsageError('the embedded cache needs redis-server, which is not on the PATH', {
    fix: 'install it (`apt-get install redis-server`, `brew install redis`), or give a Redis URL: `launchdb attach cache --url redis://…`',
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const client = await connectRedis(url, 1_000);
    try {
      await client.ping();
      return true;
    } finally {
      closeRedis(client);
    }
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function lastLine(file: string): string {
  if (!existsSync(file)) return 'no log';
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines[lines.length - 1] ?? 'no log';
}
