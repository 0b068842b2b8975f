// Debian's real PgBouncer, started in the foreground for a test with a folder's pgbouncer.ini and
// userlist.txt; as root, it runs as the `postgres` OS user (PgBouncer refuses to run as root).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { closedPort } from './closed-port.js';
import { SERVER_URL } from './databases.js';

const asRoot = process.getuid?.() === 0;

/** Where pgbouncer is installed; undefined when it is not (`.ci/run` installs it). */
export const PGBOUNCER = findPgbouncer();

export interface RunningPgbouncer {
  log(): string;
  stop(): Promise<void>;
}

/** Starts pgbouncer in the foreground with the folder's ini and waits until it accepts connections. */
export async function startPgbouncer(dir: string, port: number): Promise<RunningPgbouncer> {
  const ini = join(dir, 'pgbouncer.ini');
  let user: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    user = { uid: id('-u'), gid: id('-g') };
    for (const path of [dir, ini, join(dir, 'userlist.txt')]) chownSync(path, user.uid, user.gid);
  }
  const child: ChildProcess = spawn(PGBOUNCER!, [ini], { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    log += chunk;
  });
  // A test process that dies before its finally must not leave pgbouncer running.
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.removeListener('exit', killNow);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (/listening on 127\.0\.0\.1:\d+/.test(log)) return { log: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`pgbouncer did not start on port ${port}:\n${log}`);
}

export interface TransactionPgbouncer extends RunningPgbouncer {
  /** The database through PgBouncer, as the test server's user. */
  url: string;
}

/**
 * PgBouncer in transaction pooling mode (what `pool pgbouncer` recommends) in front of `database` on
 * the test server, in a folder of its own that `stop` removes: `url` reaches the database through it
 * as the server's user (the test server trusts local connections; PgBouncer passes the user on).
 */
export async function startTransactionPgbouncer(
  database: string,
  options: { maxClientConn: number },
): Promise<TransactionPgbouncer> {
  const server = new URL(SERVER_URL);
  const user = decodeURIComponent(server.username) || 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-pgbouncer-'));
  const port = await closedPort();
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${server.hostname} port=${server.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 2',
      `max_client_conn = ${options.maxClientConn}`,
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const bouncer = await startPgbouncer(dir, port).catch((error: unknown) => {
    removeDir();
    throw error;
  });
  return {
    url: `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    log: bouncer.log,
    stop: async () => {
      await bouncer.stop();
      removeDir();
    },
  };
}

/** `pgbouncer` on the PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
function findPgbouncer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = join(dir, 'pgbouncer');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
