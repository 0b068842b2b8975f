// A private redis-server for the tests: its own config file, folder and free loopback port, never
// the machine's shared Redis; stopped (and its folder removed) by close().
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { closedPort } from './closed-port.js';

export interface RedisServerOptions {
  /** `requirepass`: the default user's password. */
  password?: string;
  /** Lines of an ACL file (`user alice on >pw ~* +@all`); the server loads and saves it. */
  acl?: string[];
  maxmemoryPolicy?: string;
  /** `maxmemory`, e.g. `2mb`; none by default. */
  maxmemory?: string;
  appendonly?: boolean;
  /** `save` rules; none (`""`) by default. */
  save?: string;
  /** `bind`: one address, loopback by default; url() connects to it. */
  bind?: string;
  /** `protected-mode no`: answer other hosts without a password (protected mode refuses them). */
  unprotected?: boolean;
  /** The user url() and client() log in as, when the default user is off (ACL file). */
  login?: { user: string; password: string };
}

export interface RedisServer {
  port: number;
  folder: string;
  /** `redis://[:password@]host:port/db`, as the default user (or `login`). */
  url(db?: number): string;
  /** A client as url()'s user, for the test to prepare data. */
  client(): Promise<ReturnType<typeof createClient>>;
  close(): Promise<void>;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const folder = mkdtempSync(join(tmpdir(), 'launchdb-redis-'));
  // redis-server refuses port 0: a port the system just handed out and closed.
  const port = await closedPort();
  const lines = [
    `port ${port}`,
    `bind ${options.bind ?? '127.0.0.1'}`,
    'daemonize no',
    `dir ${folder}`,
    `save "${options.save ?? ''}"`,
    `appendonly ${options.appendonly ? 'yes' : 'no'}`,
    `maxmemory-policy ${options.maxmemoryPolicy ?? 'noeviction'}`,
    'enable-debug-command local',
    `protected-mode ${options.unprotected ? 'no' : 'yes'}`,
    ...(options.maxmemory ? [`maxmemory ${options.maxmemory}`] : []),
    ...(options.password ? [`requirepass ${options.password}`] : []),
  ];
  if (options.acl) {
    writeFileSync(join(folder, 'users.acl'), `${options.acl.join('\n')}\n`);
    lines.push(`aclfile ${join(folder, 'users.acl')}`);
  }
  writeFileSync(join(folder, 'redis.conf'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('redis-server', [join(folder, 'redis.conf')], { stdio: 'ignore' });
  const auth = options.login
    ? `${options.login.user}:${encodeURIComponent(options.login.password)}@`
    : options.password
      ? `:${encodeURIComponent(options.password)}@`
      : '';
  const host = options.bind ?? '127.0.0.1';
  const url = (db = 0) => `redis://${auth}${host}:${port}/${db}`;
  const connect = async () => {
    const client = createClient({ url: url(), socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  for (let tries = 0; ; tries += 1) {
    try {
      const client = await connect();
      await client.ping();
      client.destroy();
      break;
    } catch (error) {
      if (tries > 200 || child.exitCode !== null) {
        child.kill('SIGKILL');
        rmSync(folder, { recursive: true, force: true });
        throw new Error(`redis-server did not start: ${error}`);
      }
      await sleep(25);
    }
  }
  return {
    port,
    folder,
    url,
    client: connect,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
