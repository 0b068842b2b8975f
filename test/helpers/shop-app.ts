// The example shop's HTTP app (examples/shop/app/server.mjs) and the embedded database it runs on,
// as real processes for tests. The API, in full:
//
//   const shop = copyShop();                                    // a private copy of examples/shop
//   await attachEmbeddedShop(shop.dir, 'production');           // attach and `migrate up` by the built CLI
//   // (or attach and `migrate up` in shop.dir with runCli); on embedded, serve it over the wire:
//   const db = await serveEmbeddedEnvironment({ cwd: shop.dir, env: 'production' }); // `launchdb serve`
//   const app = await startShopApp({ databaseUrl: db.url, cwd: shop.dir }); // logFile? default logs/app.log
//   // (on the server: attach with --admin-url; the app's DATABASE_URL is in .launchdb/secrets/<env>.env)
//   await fetch(`${app.url}/orders/1`);
//   expect(await app.stop()).toBe(0);                           // SIGTERM, resolves with the exit code
//   await db.stop(); shop.remove();
//
// `kill()` on either sends SIGKILL instead (a crash); both resolve once the process has exited.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, runBin, until } from './cli.js';
import { uniqueName } from './databases.js';

export const SHOP_DIR = fileURLToPath(new URL('../../examples/shop/', import.meta.url));
export const SHOP_APP = join(SHOP_DIR, 'app', 'server.mjs');

export interface ShopCopy {
  /** The copy's folder: its config, migrations, seeds (and app/, which the app is not run from). */
  dir: string;
  /** Its project name, unique to the test, so server databases and roles (`<name>_<env>…`) are its own. */
  name: string;
  remove(): void;
}

/** A copy of examples/shop in a temporary folder, without its embedded databases or logs. */
export function copyShop(): ShopCopy {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-shop-'));
  const name = uniqueName('shop');
  cpSync(SHOP_DIR, dir, { recursive: true, filter: (source) => !/[\\/](\.launchdb|logs)$/.test(source) });
  const config = join(dir, 'launchdb.config.ts');
  writeFileSync(config, readFileSync(config, 'utf8').replace("project: 'shop'", `project: '${name}'`));
  return { dir, name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Attaches `env` of the copy on its embedded default and applies its migrations, with the built CLI. */
export async function attachEmbeddedShop(dir: string, env: string): Promise<void> {
  for (const args of [
    ['attach', 'postgres'],
    ['migrate', 'up'],
  ]) {
    const result = await runBin([...args, '--env', env, '--confirm', env], { cwd: dir, timeoutMs: 120_000 });
    if (result.code !== 0)
      throw new Error(`launchdb ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
}

/**
 * A variant of the copy's smoke spec: `edits` applied to launchdb.smoke.ts (each must be found), written
 * to `specs/NAME.smoke.ts`; returns that path, relative to the copy, for `--spec`.
 */
export function smokeSpecVariant(dir: string, name: string, ...edits: [from: string, to: string][]): string {
  let text = readFileSync(join(dir, 'launchdb.smoke.ts'), 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the shop's smoke spec has no ${from}`);
    text = text.replace(from, to);
  }
  const file = `specs/${name}.smoke.ts`;
  mkdirSync(join(dir, 'specs'), { recursive: true });
  writeFileSync(join(dir, file), text);
  return file;
}

export interface RunningProcess {
  /** SIGTERM, then the exit code once it exited (null when a signal ended it). */
  stop(): Promise<number | null>;
  /** SIGKILL, resolved once it exited. */
  kill(): Promise<void>;
  /** stdout and stderr so far. */
  output(): string;
}

export interface ShopApp extends RunningProcess {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** The absolute path of its log file. */
  logFile: string;
}

/**
 * Starts the shop app on a free port with `databaseUrl`; resolves once it printed its listening line.
 * `cwd` (default examples/shop) is its working directory: the pool names its connections after the
 * project there (`<project>:web` in pg_stat_activity), and without `logFile` it logs to
 * `logs/app.log` under it.
 */
export async function startShopApp(options: {
  databaseUrl: string;
  logFile?: string;
  cwd?: string;
  env?: Record<string, string>;
}): Promise<ShopApp> {
  const cwd = options.cwd ?? SHOP_DIR;
  const running = startNode([SHOP_APP], cwd, {
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    LOG_FILE: options.logFile,
    PORT: '0',
  });
  const listening = await untilReady(running, 'the shop app', (output) =>
    /^listening on (http:\/\/\S+)$/m.exec(output),
  );
  return { ...running, url: listening[1]!, logFile: resolve(cwd, options.logFile ?? 'logs/app.log') };
}

/** `launchdb serve --env ENV --port 0` in `cwd` (the environment attached); resolves with its DATABASE_URL. */
export async function serveEmbeddedEnvironment(options: {
  cwd: string;
  env: string;
}): Promise<RunningProcess & { url: string }> {
  const running = startNode([BIN, 'serve', '--env', options.env, '--port', '0'], options.cwd);
  // DATABASE_URL goes to stdout, then the stop hint to stderr (another pipe): with both in, it serves.
  const served = await untilReady(running, 'launchdb serve', (output) =>
    output.includes('Ctrl-C') ? /^DATABASE_URL=(\S+)$/m.exec(output) : null,
  );
  return { ...running, url: served[1]! };
}

type Started = RunningProcess & { exited: Promise<number | null> };

/** `env` over this process's; an undefined value removes the variable. */
function startNode(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Started {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ? null : code)),
  );
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return {
    exited,
    output: () => output,
    stop: () => signal('SIGTERM'),
    kill: async () => {
      await signal('SIGKILL');
    },
  };
}

/** Waits until `ready` finds what it needs in the output; throws with the output when the process exits first (or after 60 s). */
async function untilReady(
  running: Started,
  what: string,
  ready: (output: string) => RegExpExecArray | null,
): Promise<RegExpExecArray> {
  let exitedWith: number | null | undefined;
  running.exited.then((code) => {
    exitedWith = code;
  });
  try {
    await until(() => ready(running.output()) !== null || exitedWith !== undefined);
  } catch (error) {
    await running.kill();
    throw new Error(`${what} did not start within 60 s: ${running.output()}`, { cause: error });
  }
  const match = ready(running.output());
  if (!match) throw new Error(`${what} exited (${exitedWith}) before it was ready: ${running.output()}`);
  return match;
}
