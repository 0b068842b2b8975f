// Prune's dry run and --yes, what it always keeps, and a missing policy as bad input. (The scheduler's
// prune job runs this command; `backup schedule` is retired: test/cli/retired-backup-schedule.test.ts.)
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
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

  it('says a missing policy is bad input', async () => {
    const bare = tempProject();
    try {
      const result = await runCli(['backup', 'prune', '--env', 'development'], { cwd: bare.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('backups.retention');
    } finally {
      bare.remove();
    }
  });
});
