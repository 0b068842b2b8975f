// A private Postgres cluster with scram-sha-256 password auth, for tests that need real passwords.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateCluster {
  port: number;
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres`. */
  superuserUrl: string;
  /** The server's log (its stderr), readable until `stop()`. */
  logFile: string;
  /** Stops the server (pg_ctl stop -m MODE), keeping its data, for tests of a server going away. */
  shutDown(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port after shutDown. */
  startUp(): Promise<void>;
  /** Stops the server at once and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/** initdb refuses to run as root, so as root the cluster belongs to the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;
const START_ATTEMPTS = 3;

export interface PrivateClusterOptions {
  /** More postgresql.conf lines, e.g. `{ log_statement: "'all'" }` (values written as given). */
  settings?: Record<string, string>;
}

export async function startPrivateCluster(options: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-cluster-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const log = join(dir, 'postgres.log');
  const pwfile = join(dir, 'pwfile');
  const password = randomBytes(24).toString('base64url');
  mkdirSync(socketDir);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) chownTree(dir);

  const pgCtl = (args: string[]) => command(join(bin, 'pg_ctl'), args);
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(...wrap(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']), {
        stdio: 'ignore',
      });
    } catch {
      // Not running (it never started, or already stopped).
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies without afterAll must not leave a server running.
  process.once('exit', stopNow);

  try {
    await command(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    rmSync(pwfile);
    writeFileSync(
      join(data, 'pg_hba.conf'),
      [
        'local all all scram-sha-256',
        'host all all 127.0.0.1/32 scram-sha-256',
        'host all all ::1/128 scram-sha-256',
        '',
      ].join('\n'),
    );
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${socketDir}'`,
        "password_encryption = 'scram-sha-256'",
        // Throwaway data: durability buys nothing and costs start-up and test time.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 60',
        ...Object.entries(options.settings ?? {}).map(([name, value]) => `${name} = ${value}`),
        '',
      ].join('\n'),
    );
    if (asRoot) chownTree(data);

    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      try {
        const start = () => pgCtl(['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`]);
        await start();
        return {
          port,
          logFile: log,
          shutDown: (mode) => pgCtl(['stop', '-D', data, '-m', mode, '-w']),
          startUp: start,
          superuserUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
          stop: async () => {
            process.removeListener('exit', stopNow);
            stopNow();
          },
        };
      } catch (error) {
        lastError = error;
        // Another process may have taken the port between our probe and the start: try another.
        if (!/address already in use|could not bind/i.test(tail(log))) break;
      }
    }
    throw lastError;
  } catch (error) {
    const message = `could not start a private Postgres cluster in ${dir}: ${(error as Error).message}\n--- log tail ---\n${tail(log)}`;
    process.removeListener('exit', stopNow);
    stopNow();
    throw new Error(message, { cause: error });
  }
}

/** `LAUNCHDB_PG_BIN`, else Postgres 15's folder, else the newest installed major. */
function postgresBin(): string {
  if (process.env.LAUNCHDB_PG_BIN) return process.env.LAUNCHDB_PG_BIN;
  const preferred = '/usr/lib/postgresql/15/bin';
  if (existsSync(join(preferred, 'initdb'))) return preferred;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0]) return join(root, majors[0], 'bin');
  throw new Error('no Postgres server binaries (initdb, pg_ctl) found; set LAUNCHDB_PG_BIN to their folder');
}

function wrap(file: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

async function command(file: string, args: string[]): Promise<void> {
  const [program, programArgs] = wrap(file, args);
  try {
    await run(program, programArgs, { timeout: 120_000 });
  } catch (error) {
    const err = error as { stderr?: string; stdout?: string; message: string };
    const output = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim();
    throw new Error(`${file.split('/').pop()} ${args[0]} failed: ${output || err.message}`, { cause: error });
  }
}

let postgresIds: { uid: number; gid: number } | undefined;

function chownTree(path: string): void {
  postgresIds ??= {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
  const { uid, gid } = postgresIds;
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    chownSync(join(entry.parentPath, entry.name), uid, gid);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
