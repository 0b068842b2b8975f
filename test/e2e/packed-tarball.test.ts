// The package as users get it: packed with `npm pack`, installed into a fresh project, run through npx.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, SERVER_URL, serverAvailable, uniqueName } from '../helpers/databases.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const project = uniqueName('e2e');
let dir: string;
let tarball: string;

// Asynchronous on purpose: a worker blocked in a synchronous child process (npm install takes a minute
// on a busy machine) cannot answer vitest's runner, which gives up after 60 s ("Timeout calling
// onTaskUpdate") and fails the run.
const run = promisify(execFile);

/** Runs `npx launchdb …` in the installed project, without any variable that would redirect it. */
async function npx(args: string[], env: Record<string, string> = {}) {
  const cleanEnv = { ...process.env, ...env };
  for (const name of ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'LAUNCHDB_ENV']) {
    if (!(name in env)) delete cleanEnv[name];
  }
  try {
    const running = run('npx', ['--no-install', 'launchdb', ...args], {
      cwd: dir,
      env: cleanEnv,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // Nobody answers a prompt: its input ends at once, as a closed terminal's would.
    running.child.stdin?.end();
    const { stdout, stderr } = await running;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/cli/main.js'))) throw new Error('build first: npm run build');
  dir = mkdtempSync(join(tmpdir(), 'launchdb-e2e-'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repo,
    encoding: 'utf8',
  });
  tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: project, private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir });
}, 300_000);

afterAll(async () => {
  if (serverAvailable) {
    await adminQuery(`drop database if exists ${project}_staging with (force)`);
    for (const role of ['app', 'readonly', 'owner']) {
      await adminQuery(`drop role if exists ${project}_staging_${role}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed into a fresh project', () => {
  it('prints its version', async () => {
    const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
    expect(await npx(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('scaffolds the project', async () => {
    const result = await npx(['init']);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'launchdb.config.ts'))).toBe(true);
    expect(statSync(join(dir, 'db/seeds/demo')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.launchdb/');
    expect((await npx(['init'])).code).toBe(2);
  });

  it('attaches embedded production: ready but for its backups, which nobody has taken yet', async () => {
    expect((await npx(['attach', 'postgres', '--env', 'production'])).code).toBe(2);
    expect((await npx(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    const check = await npx(['check', '--env', 'production', '--json']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report).toMatchObject({ project, environment: 'production', verdict: 'not ready' });
    const failing = report.checks
      .filter((c: { status: string }) => c.status === 'fail' || c.status === 'error')
      .map((c: { id: string }) => c.id);
    expect(failing).toContain('backups.recent');
    expect(failing.filter((id: string) => !id.startsWith('backups.'))).toEqual([]);
  }, 120_000);

  it.skipIf(!serverAvailable)(
    'provisions staging on the server and reports it ready, with no password printed',
    async () => {
      const attach = await npx([
        'attach',
        'postgres',
        '--env',
        'staging',
        '--admin-url',
        SERVER_URL,
        '--json',
      ]);
      expect(attach.code).toBe(0);
      const secrets = readFileSync(join(dir, '.launchdb/secrets/staging.env'), 'utf8');
      const password = /DATABASE_URL="postgres(?:ql)?:\/\/[^:]+:([^@]+)@/.exec(secrets)?.[1];
      expect(password).toBeTruthy();
      expect(attach.stdout + attach.stderr).not.toContain(password);
      const check = await npx(['check', '--env', 'staging', '--json']);
      const report = JSON.parse(check.stdout);
      // connections.usage counts the whole server's connections, which other clients share: it is
      // the one check whose verdict here depends on what else runs on the server.
      const usage = report.checks.find((c: { id: string }) => c.id === 'connections.usage');
      const failing = report.checks.filter(
        (c: { id: string; status: string }) =>
          (c.status === 'fail' || c.status === 'error') && c.id !== 'connections.usage',
      );
      expect(failing).toEqual([]);
      expect(usage.status).not.toBe('error');
      expect(report.verdict).toBe(usage.status === 'fail' ? 'not ready' : 'ready');
      expect(check.code).toBe(usage.status === 'fail' ? 1 : 0);
      const list = JSON.parse((await npx(['env', 'list', '--json'])).stdout);
      expect(list.environments.map((e: { environment: string }) => e.environment)).toEqual([
        'development',
        'staging',
        'production',
      ]);
      expect(JSON.stringify(list)).not.toContain(password);
    },
    120_000,
  );

  it('serves the embedded database over the wire', async () => {
    expect((await npx(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    // The installed bin itself (what npx runs), so the signal reaches the server and not a wrapper.
    const child = spawn(
      join(dir, 'node_modules/.bin/launchdb'),
      ['serve', '--env', 'development', '--port', '0'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /DATABASE_URL=(\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('select environment from launchdb.environment');
      expect(rows).toEqual([{ environment: 'development' }]);
      await client.end();
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
