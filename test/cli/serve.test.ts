// `launchdb serve` as a real process: psql and pg connect, other launchdb processes go through its port.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { ensureMarker } from '../../src/stores/postgres/marker.js';
import { BIN, runBin, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const execFileAsync = promisify(execFile);

interface Serving {
  child: ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `launchdb serve` from the built CLI and resolves once it printed its DATABASE_URL and how to stop. */
async function startServe(cwd: string, args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /^DATABASE_URL=(\S+)$/m.exec(out);
      // stdout and stderr are separate pipes: wait for the stop hint too, written right after.
      if (match && err.includes('Ctrl-C')) {
        clearInterval(poll);
        resolve(match[1]!);
      }
    }, 20);
    exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`serve exited (${code}) before printing DATABASE_URL: ${err}`));
    });
  });
  return { child, url, port: Number(new URL(url).port), stderr: () => err, exited };
}

async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await execFileAsync('/usr/bin/psql', [
    url,
    '-X',
    '-At',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    sql,
  ]);
  return stdout.trim();
}

/** Creates and marks an embedded environment, the way `attach` leaves it. */
async function attachEmbedded(project: TempProject, environment: string): Promise<string> {
  const dataDir = join(project.dir, '.launchdb', environment, 'postgres');
  const db = await openEmbedded(dataDir);
  try {
    await ensureMarker(db, project.name, environment, dataDir);
  } finally {
    await db.close();
  }
  return dataDir;
}

describe('launchdb serve', () => {
  let project: TempProject;
  let dataDir: string;
  let serving: Serving;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
    project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {} },
    preview: { postgres: {} },
    qa: { postgres: {} },
    staging: { postgres: { url: 'postgresql://app:s3cretpw@127.0.0.1:1/shop_staging' } },
  },
}`);
    dataDir = await attachEmbedded(project, 'development');
    await attachEmbedded(project, 'preview');
    serving = await startServe(project.dir, ['--env', 'development', '--port', '0']);
  });
  afterAll(() => {
    if (serving?.child.exitCode === null) serving.child.kill('SIGKILL');
    project?.remove();
  });

  it('prints a DATABASE_URL on 127.0.0.1, and on stderr how to stop', () => {
    expect(serving.url).toBe(`postgresql://postgres@127.0.0.1:${serving.port}/postgres`);
    expect(serving.port).toBeGreaterThan(0);
    expect(serving.stderr()).toContain('environment development');
    expect(serving.stderr()).toContain('Ctrl-C');
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'))).toMatchObject({
      pid: serving.child.pid,
      command: 'serve',
      port: serving.port,
    });
  });

  it('serves psql and pg clients at the same time', async () => {
    const a = new pg.Client({ connectionString: serving.url });
    const b = new pg.Client({ connectionString: serving.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('create table visits (id int primary key, client text not null)');
      const insert = async (client: pg.Client, name: string, from: number) => {
        for (let i = from; i < from + 50; i++) {
          const { rows } = await client.query('insert into visits values ($1, $2) returning id, client', [
            i,
            name,
          ]);
          expect(rows[0]).toEqual({ id: i, client: name });
        }
      };
      const [, , fromPsql] = await Promise.all([
        insert(a, 'a', 0),
        insert(b, 'b', 100),
        psql(serving.url, "insert into visits values (1000, 'psql') returning client"),
      ]);
      expect(fromPsql).toContain('psql');
      const counts = await psql(
        serving.url,
        'select client, count(*) from visits group by client order by client',
      );
      expect(counts.split('\n')).toEqual(['a|50', 'b|50', 'psql|1']);
      const { rows } = await b.query<{ project: string }>('select project from launchdb.environment');
      expect(rows[0]!.project).toBe(project.name);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('lets another launchdb process in through the served port instead of locking it out', async () => {
    const db = await openEmbedded(dataDir, { lockWaitMs: 1_000 });
    try {
      expect(db.location).toContain(`served on 127.0.0.1:${serving.port}`);
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from visits');
      expect(rows[0]!.n).toBe(101);
    } finally {
      await db.close();
    }
    // `launchdb check` in its own process reaches it the same way, and finds it ready.
    const checked = await runBin(['check', '--env', 'development', '--json'], { cwd: project.dir });
    const report = JSON.parse(checked.stdout);
    expect(report.verdict).toBe('ready');
    expect(checked.code).toBe(0);
    const reachable = report.checks.find((check: { id: string }) => check.id === 'provisioning.reachable');
    expect(reachable).toMatchObject({ status: 'pass' });
    expect(reachable.summary).toContain(`served on 127.0.0.1:${serving.port}`);
    const listed = await runBin(['env', 'list', '--json'], { cwd: project.dir });
    expect(listed.code).toBe(0);
    const development = JSON.parse(listed.stdout).environments.find(
      (env: { environment: string }) => env.environment === 'development',
    );
    expect(development.stores[0]).toMatchObject({ reachable: true, attached: true, servedOn: serving.port });
    // The served database is still up for everyone else.
    expect(await psql(serving.url, 'select count(*) from visits')).toBe('101');
  });

  it('refuses to serve an environment that is already served, naming its port', async () => {
    const second = await runBin(['serve', '--env', 'development', '--port', '0'], { cwd: project.dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`already served on 127.0.0.1:${serving.port}`);
    expect(second.stderr).toContain(`pid ${serving.child.pid}`);
  });

  it('refuses a port in use, naming it', async () => {
    const busy = await runBin(['serve', '--env', 'preview', '--port', String(serving.port)], {
      cwd: project.dir,
    });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`port ${serving.port} on 127.0.0.1 is already in use`);
    expect(busy.stderr).toContain('--port');
    expect(existsSync(join(project.dir, '.launchdb', 'preview', 'postgres.lock'))).toBe(false);
  });

  it('refuses an environment on a server, and one never attached', async () => {
    const server = await runCli(['serve', '--env', 'staging'], { cwd: project.dir });
    expect(server.code).toBe(2);
    expect(server.stderr).toContain('environment staging is on a server (127.0.0.1:1/shop_staging)');
    expect(server.stderr).toContain('connect to it directly');
    expect(server.stderr).not.toContain('s3cretpw');
    const never = await runCli(['serve', '--env', 'qa'], { cwd: project.dir });
    expect(never.code).toBe(2);
    expect(never.stderr).toContain('environment qa has no embedded database yet');
    expect(never.stderr).toContain('launchdb attach postgres --env qa');
    expect(existsSync(join(project.dir, '.launchdb', 'qa'))).toBe(false);
    const bad = await runCli(['serve', '--env', 'development', '--port', 'many'], { cwd: project.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port expects a whole number');
  });

  it('stops cleanly on Ctrl-C (SIGINT) too', async () => {
    const preview = await startServe(project.dir, ['--env', 'preview', '--port', '0']);
    preview.child.kill('SIGINT');
    expect(await preview.exited).toBe(0);
    expect(preview.stderr()).toContain('SIGINT: stopping');
    expect(existsSync(join(project.dir, '.launchdb', 'preview', 'postgres.lock'))).toBe(false);
  });

  it('stops cleanly on SIGTERM: exit 0, lock released, data kept', async () => {
    const client = new pg.Client({ connectionString: serving.url });
    await client.connect();
    client.on('error', () => {}); // the server going away ends this connection
    serving.child.kill('SIGTERM');
    expect(await serving.exited).toBe(0);
    await client.end().catch(() => {});
    expect(serving.stderr()).toContain('stopped');
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    await expect(psql(serving.url, 'select 1')).rejects.toThrow();
    const db = await openEmbedded(dataDir, { lockWaitMs: 0 });
    try {
      expect(db.location).not.toContain('served on');
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from visits');
      expect(rows[0]!.n).toBe(101);
    } finally {
      await db.close();
    }
  });
});
