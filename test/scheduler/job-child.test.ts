// A scheduled run's child process (dist/scheduler/job-child.js): it runs the real command once told
// to, stops itself when the scheduler's pipe closes (even while the command waits in silence, with
// nothing written that could fail), and ends with the command's exit code and error line, or is
// stopped past its timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/cli.js';
import { type SchedulerProject, schedulerProject } from '../helpers/scheduler.js';

const CHILD = fileURLToPath(new URL('../../dist/scheduler/job-child.js', import.meta.url));
/** The built module, whose child entry is the built job-child.js beside it (the source's is .ts). */
const built = (): Promise<typeof import('../../src/scheduler/job-process.js')> =>
  import(new URL('../../dist/scheduler/job-process.js', import.meta.url).href);

describe('the job child process', () => {
  let project: SchedulerProject;
  const lock = () => join(project.dir, '.launchdb', 'development', 'postgres.lock');

  beforeAll(() => {
    project = schedulerProject();
    project.configure({ environments: { development: { postgres: {} }, 'nope-free': { postgres: {} } } });
    // This test process "holds" the embedded database: a backup waits for it silently (up to 10 s).
    mkdirSync(join(lock(), '..'), { recursive: true });
    writeFileSync(
      lock(),
      JSON.stringify({ pid: process.pid, command: 'test', since: new Date().toISOString() }),
    );
  });

  afterAll(() => project?.remove());

  const spawnChild = (argv: string[]) =>
    spawn(process.execPath, [CHILD, ...argv], { cwd: project.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const ended = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

  it('stops itself when the pipe from its scheduler closes, mid-command', async () => {
    const child = spawnChild(['backup', 'create', '--env', 'development']);
    const exit = ended(child);
    child.stdin.write('run\n');
    // Waiting for the embedded database's lock: acquireLock's draft file names the child.
    await until(() => existsSync(`${lock()}.${child.pid}.tmp`), 30_000);
    child.stdin.end(); // what kill -9 of the scheduler does to the pipe
    expect(await exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('runs nothing when discarded before its slot', async () => {
    let output = '';
    const child = spawnChild(['backup', 'create', '--env', 'development']);
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exit = ended(child);
    child.stdin.end();
    expect(await exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(output).toBe('');
    expect(existsSync(`${lock()}.${child.pid}.tmp`)).toBe(false);
  });

  it("ends with the command's exit code and its error line", async () => {
    const lines: string[] = [];
    const { prepareJobProcess } = await built();
    const prepared = prepareJobProcess({ argv: ['backup', 'create', '--env', 'nope'], cwd: project.dir });
    const run = prepared.start({ timeoutMs: 60_000, onLine: (line) => lines.push(line) });
    const end = await run.ended;
    expect(end).toMatchObject({ exitCode: 2, signal: null });
    expect(end.errorLine).toBe(
      'environment "nope" is not declared in launchdb.config.json; declared: development, nope-free',
    );
    expect(lines).toContain(`error: ${end.errorLine}`);
  });

  it('says why a command that wrote no error failed: a check that is not ready', async () => {
    const { prepareJobProcess } = await built();
    const prepared = prepareJobProcess({
      argv: ['check', '--env', 'nope-free', '--only', 'provisioning', '--no-record'],
      cwd: project.dir,
    });
    const end = await prepared.start({ timeoutMs: 60_000, onLine: () => {} }).ended;
    expect(end.exitCode).toBe(1);
    expect(end.errorLine).toMatch(/\d+ checks in .*fail.*; NOT READY$/);
  });

  it('is stopped past its timeout, and says so', async () => {
    const { prepareJobProcess } = await built();
    const prepared = prepareJobProcess({
      argv: ['backup', 'create', '--env', 'development'],
      cwd: project.dir,
    });
    const end = await prepared.start({ timeoutMs: 1000, onLine: () => {} }).ended;
    expect(end).toMatchObject({
      exitCode: null,
      signal: 'SIGTERM',
      stopped: 'ran longer than its timeout of 1s',
      errorLine: 'ran longer than its timeout of 1s',
    });
  });
});
