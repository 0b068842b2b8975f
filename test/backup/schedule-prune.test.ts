// Prune's dry run and --yes, two schedulers taking each scheduled backup once, SIGTERM mid-backup
// leaving nothing listed as complete, and a malformed schedule as bad input.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBin, runCli, until } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const DAY = 86_400_000;

describe('backup prune', () => {
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const dir = () => join(project.dir, '.launchdb', 'backups', 'development');

  /** Copies a real backup to an older id and time (prune reads the times; it does not restore). */
  function ageCopy(source: string, daysAgo: number): string {
    const at = new Date(Date.now() - daysAgo * DAY);
    const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `development-${stamp}-${String(daysAgo).padStart(4, '0')}`;
    cpSync(join(dir(), source), join(dir(), id), { recursive: true });
    const file = join(dir(), id, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...manifest, id, snapshotAt: at.toISOString() }));
    return id;
  }

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} } },
      backups: { retention: { days: 10 } },
    }`);
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
  });
  afterAll(() => project?.remove());

  it('shows what it would delete, deletes it with --yes, and keeps the newest and one in use', async () => {
    const created = JSON.parse((await cli(['backup', 'create', '--env', 'development', '--json'])).stdout);
    const old = [ageCopy(created.id, 30), ageCopy(created.id, 20), ageCopy(created.id, 5)];
    // A drill (this process) is restoring from the oldest one.
    writeFileSync(
      join(dir(), old[0]!, 'in-use.json'),
      JSON.stringify({ pid: process.pid, host: hostname() }),
    );

    const dry = await cli(['backup', 'prune', '--env', 'development', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.remove.map((backup: { id: string }) => backup.id)).toEqual([old[1]]);
    expect(plan.keep.find((entry: { id: string }) => entry.id === old[0]).reasons).toEqual([
      'in use by a drill',
    ]);
    expect(existsSync(join(dir(), old[1]!))).toBe(true);
    expect((await cli(['backup', 'prune', '--env', 'development'])).stdout).toContain('run again with --yes');

    const done = await cli(['backup', 'prune', '--env', 'development', '--yes']);
    expect(done.stdout).toContain('deleted 1 backup(s)');
    expect(existsSync(join(dir(), old[1]!))).toBe(false);
    expect(readdirSync(dir()).sort()).toEqual([old[0], old[2], created.id].sort());
  });

  it('keeps the newest backup even when it is older than the policy', async () => {
    for (const id of readdirSync(dir()))
      if (id !== readdirSync(dir()).sort().at(-1)) rmSync(join(dir(), id), { recursive: true, force: true });
    const only = readdirSync(dir())[0]!;
    const file = join(dir(), only, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(
      file,
      JSON.stringify({ ...manifest, snapshotAt: new Date(Date.now() - 400 * DAY).toISOString() }),
    );
    const plan = JSON.parse((await cli(['backup', 'prune', '--env', 'development', '--json'])).stdout);
    expect(plan.remove).toEqual([]);
    expect(plan.keep[0].reasons).toEqual(['newest']);
  });

  it('says a missing policy and a malformed schedule are bad input', async () => {
    const bare = tempProject();
    try {
      const result = await runCli(['backup', 'prune', '--env', 'development'], { cwd: bare.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('backups.retention');
    } finally {
      bare.remove();
    }
    const cron = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} } }, backups: { schedule: '61 * * *' } }`,
    );
    try {
      const result = await runCli(['backup', 'schedule', '--env', 'development'], { cwd: cron.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('backups.schedule: expected a cron expression');
    } finally {
      cron.remove();
    }
  });
});

describe.skipIf(!serverAvailable)('backup schedule on a server', () => {
  let project: TempProject;
  let database: string;
  const dir = () => join(project.dir, '.launchdb', 'backups', 'development');

  beforeAll(async () => {
    database = uniqueName('ldb_sched');
    await adminQuery(`create database ${database}`);
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: { url: '${serverUrlFor(database)}' } } },
      backups: { schedule: '*/2 * * * * *', retention: { days: 7 } },
    }`);
    expect((await runCli(['attach', 'postgres', '--env', 'development'], { cwd: project.dir })).code).toBe(0);
    await adminQuery(
      'create table public.t (id int primary key); insert into public.t select generate_series(1, 1000)',
      [],
      database,
    );
  });
  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
  });

  it('takes each scheduled backup once with two schedulers running, and stops cleanly on SIGTERM', async () => {
    const a = launchBin(['backup', 'schedule', '--env', 'development'], project.dir);
    const b = launchBin(['backup', 'schedule', '--env', 'development'], project.dir);
    await until(
      () => existsSync(dir()) && readdirSync(dir()).filter((name) => !name.startsWith('.')).length >= 3,
      30_000,
    );
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const taken = [a.output(), b.output()].flatMap((text) =>
      [...text.matchAll(/ (\S+Z): backup (\S+):/g)].map((match) => match[1]),
    );
    // Every slot taken by exactly one of them; the other said so.
    expect(new Set(taken).size).toBe(taken.length);
    expect(a.output() + b.output()).toMatch(
      /another scheduler is taking this backup|already taken by another scheduler/,
    );
    expect(a.output()).toContain('stopped');
    const complete = readdirSync(dir()).filter((name) => !name.startsWith('.'));
    expect(complete.length).toBe(taken.length);
  });

  it("prunes a guarded environment with no one to confirm, under the config's retention policy, and says so", async () => {
    const own = uniqueName('ldb_sched_guarded');
    await adminQuery(`create database ${own}`);
    const guarded = tempProject(`{
      project: '{project}',
      environments: { development: { guarded: true, postgres: { url: '${serverUrlFor(own)}' } } },
      backups: { schedule: '*/2 * * * * *', retention: { daily: 1 } },
    }`);
    try {
      const attach = ['attach', 'postgres', '--env', 'development', '--confirm', 'development'];
      expect((await runCli(attach, { cwd: guarded.dir })).code).toBe(0);
      const scheduler = launchBin(['backup', 'schedule', '--env', 'development'], guarded.dir);
      await until(() => scheduler.output().includes(': pruned '), 30_000);
      scheduler.child.kill('SIGTERM');
      expect(await scheduler.exited).toBe(0);
      expect(scheduler.output()).toMatch(
        /: pruned development-\S+ under the config's retention policy \(backups\.retention \{"daily":1\}\)/,
      );
    } finally {
      guarded.remove();
      await adminQuery(`drop database if exists ${own} with (force)`);
    }
  });

  it('abandons the backup in progress on SIGTERM: nothing listed as complete, no leftovers', async () => {
    await adminQuery(
      'create table public.big as select i, md5(i::text) as h, repeat(md5(i::text), 6) as pad from generate_series(1, 600000) i',
      [],
      database,
    );
    for (const name of readdirSync(dir())) rmSync(join(dir(), name), { recursive: true, force: true });
    const scheduler = launchBin(['backup', 'schedule', '--env', 'development'], project.dir);
    await until(() => existsSync(dir()) && readdirSync(dir()).some((name) => name.endsWith('.partial')));
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exited).toBe(0);
    expect(scheduler.output()).toContain('the unfinished backup was removed');
    expect(readdirSync(dir()).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
