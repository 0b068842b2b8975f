// Two real processes on one embedded environment: the second waits or fails clearly, nothing corrupts.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';

const EMBEDDED_SOURCE = new URL('../../src/stores/postgres/embedded.ts', import.meta.url).pathname;

// The holder: opens the database through the same source (loaded with jiti, which the package ships
// for configs), writes ROWS rows, says "ready", then holds it; a line on stdin closes it cleanly.
// With KEEP_WRITING it inserts one row after another until it is killed.
const HOLDER = `
const { createJiti } = await import('jiti');
const { openEmbedded } = await createJiti(import.meta.url).import(process.env.EMBEDDED_SOURCE);
const db = await openEmbedded(process.env.DATA_DIR, { command: 'holder-test' });
await db.query('create table if not exists items (id int primary key, note text not null)');
const from = Number(process.env.ROWS_FROM ?? 0);
for (let i = from; i < from + Number(process.env.ROWS ?? 0); i++) {
  await db.query('insert into items values ($1, $2)', [i, 'committed']);
}
process.stdin.on('data', async () => {
  await db.close();
  process.stdout.write('closed\\n');
  process.exit(0);
});
process.stdout.write('ready\\n');
if (process.env.KEEP_WRITING) {
  for (let i = 1_000_000; ; i++) {
    await db.query('insert into items values ($1, $2)', [i, 'x'.repeat(2000)]);
  }
}
`;

interface Holder {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
let template: string;

// initdb takes seconds; each test starts from a copy of one freshly created, cleanly closed database.
beforeAll(async () => {
  template = tempDataDir(false);
  await (await openEmbedded(template)).close();
});

function tempDataDir(fromTemplate = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-lock-'));
  dirs.push(dir);
  const dataDir = join(dir, 'postgres');
  if (fromTemplate) cpSync(template, dataDir, { recursive: true });
  return dataDir;
}

/** Starts a holder process and resolves once it holds the database. */
async function startHolder(dataDir: string, env: Record<string, string> = {}): Promise<Holder> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
    env: { ...process.env, EMBEDDED_SOURCE, DATA_DIR: dataDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (out.includes('ready')) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
    exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`holder exited (${code}) before holding the database: ${err}`));
    });
  });
  return { child, output: () => out, exited };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded Postgres shared by several processes', () => {
  it('makes a second process wait, then fail naming the holder when the wait runs out', async () => {
    const dataDir = tempDataDir();
    const holder = await startHolder(dataDir);
    const started = Date.now();
    const error = await openEmbedded(dataDir, { lockWaitMs: 800, command: 'second' }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('is in use by another launchdb process');
    expect(error.message).toContain(`pid ${holder.child.pid}`);
    expect(error.message).toContain('holder-test');
    expect(error.fix).toContain('launchdb serve');
    // Failing to get in left the holder's lock alone.
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')).pid).toBe(holder.child.pid);
  });

  it('lets the waiting process in once the holder closes, with its data', async () => {
    const dataDir = tempDataDir();
    const holder = await startHolder(dataDir, { ROWS: '5' });
    const waiting = openEmbedded(dataDir, { lockWaitMs: 30_000 });
    let opened = false;
    void waiting.then(() => {
      opened = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(opened).toBe(false);
    holder.child.stdin!.write('close\n');
    expect(await holder.exited).toBe(0);
    const db = await waiting;
    try {
      expect(db.backing).toBe('embedded');
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from items');
      expect(rows[0]!.n).toBe(5);
    } finally {
      await db.close();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('takes over a stale lock left by a process that died', async () => {
    const dataDir = tempDataDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(
      `${dataDir}.lock`,
      JSON.stringify({ pid: dead.pid, command: 'check', since: new Date().toISOString() }),
    );
    const db = await openEmbedded(dataDir, { lockWaitMs: 0 });
    try {
      expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')).pid).toBe(process.pid);
      expect((await db.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('keeps what was written across close and reopen', async () => {
    const dataDir = tempDataDir();
    const first = await openEmbedded(dataDir);
    await first.query('create table notes (id int primary key, body text)');
    await first.transaction(async (tx) => {
      await tx.query('insert into notes values ($1, $2)', [1, 'survives a restart']);
      await tx.query('insert into notes values ($1, $2)', [2, 'and so does this']);
    });
    await first.close();
    const second = await openEmbedded(dataDir);
    try {
      const { rows } = await second.query<{ body: string }>('select body from notes order by id');
      expect(rows.map((row) => row.body)).toEqual(['survives a restart', 'and so does this']);
    } finally {
      await second.close();
    }
  });

  it('is not corrupted when its holder is killed with SIGKILL in the middle of writing', async () => {
    const dataDir = tempDataDir();
    const holder = await startHolder(dataDir, { ROWS: '200', KEEP_WRITING: '1' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    holder.child.kill('SIGKILL');
    await holder.exited;
    // The dead holder's lock is still there; the next process takes it over and recovers.
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    const db = await openEmbedded(dataDir, { lockWaitMs: 0 });
    try {
      const committed = await db.query<{ n: number }>(
        `select count(*)::int as n from items where note = 'committed'`,
      );
      expect(committed.rows[0]!.n).toBe(200);
      // The table and its primary-key index agree: a full scan and an index-only count match.
      const seq = await db.query<{ n: number }>('select count(*)::int as n from items');
      expect(seq.rows[0]!.n).toBeGreaterThan(200); // it was killed while writing, not before
      await db.query('set enable_seqscan = off');
      const indexed = await db.query<{ n: number }>('select count(id)::int as n from items where id >= 0');
      await db.query('reset enable_seqscan');
      expect(indexed.rows[0]!.n).toBe(seq.rows[0]!.n);
      // And it still takes writes.
      await db.query('insert into items values ($1, $2)', [-1, 'after the crash']);
      expect((await db.query('select 1 from items where id = -1')).rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
