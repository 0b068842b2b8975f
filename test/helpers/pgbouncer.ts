// Debian's real PgBouncer, started in the foreground for a test with a folder's pgbouncer.ini and
// userlist.txt; as root, it runs as the `postgres` OS user (PgBouncer refuses to run as root).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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
