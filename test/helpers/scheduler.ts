// For the scheduler's tests: a project with a JSON config (so each job's child process starts fast),
// `launchdb scheduler run` processes from the built bin with their logs, and the control database's
// job_runs read back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { launchBin, runCli, until } from './cli.js';
import { adminQuery, SERVER_URL, serverUrlFor, uniqueName } from './databases.js';

export interface SchedulerProject {
  dir: string;
  name: string;
  /** Writes launchdb.config.json: `config` with `project` set. */
  configure(config: Record<string, unknown>): void;
  remove(): void;
}

export function schedulerProject(): SchedulerProject {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-scheduler-'));
  const name = uniqueName('ps');
  return {
    dir,
    name,
    configure(config) {
      writeFileSync(join(dir, 'launchdb.config.json'), JSON.stringify({ project: name, ...config }, null, 2));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ServerSchedulerProject extends SchedulerProject {
  /** Rewrites the config with `scheduler` as its scheduler section, staging and control as they are. */
  schedule(scheduler: Record<string, unknown>): void;
  /** Drops staging's database and roles and the control database, then removes the folder. */
  drop(): Promise<void>;
}

/**
 * A scheduler project whose staging environment is provisioned on the test server (`attach postgres`
 * with its admin URL) and whose control database `control` is created there, reached at
 * `controlUrl` (directly by default); `scheduler` is the config's scheduler section.
 */
export async function serverSchedulerProject(
  control: string,
  scheduler: Record<string, unknown>,
  controlUrl = serverUrlFor(control),
): Promise<ServerSchedulerProject> {
  await adminQuery(`create database ${control}`);
  const project = schedulerProject();
  const drop = async () => {
    await dropProvisioned(project.name, 'staging');
    await adminQuery(`drop database if exists ${control} with (force)`);
    project.remove();
  };
  const schedule = (section: Record<string, unknown>) =>
    project.configure({
      environments: { staging: { postgres: { adminUrl: SERVER_URL } } },
      control: { url: controlUrl },
      scheduler: section,
    });
  schedule(scheduler);
  const attached = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
  if (attached.code !== 0) {
    await drop();
    throw new Error(`attach postgres --env staging exited ${attached.code}:\n${attached.stderr}`);
  }
  return { ...project, schedule, drop };
}

export interface RunningScheduler {
  child: ReturnType<typeof launchBin>['child'];
  exited: Promise<number | null>;
  output(): string;
  /** Its id in schedulers and job_runs.claimed_by, once it logged that it started. */
  id: string;
}

/** Starts `launchdb scheduler run ARGS` and waits until it has registered itself. */
export async function startScheduler(dir: string, args: string[] = []): Promise<RunningScheduler> {
  const launched = launchBin(['scheduler', 'run', ...args], dir);
  let id: string | undefined;
  await until(() => {
    id = /scheduler (\S+) started/.exec(launched.output())?.[1];
    if (launched.child.exitCode !== null) throw new Error(`scheduler run exited:\n${launched.output()}`);
    return id !== undefined;
  }, 30_000);
  return { ...launched, id: id! };
}

/** SIGTERM to each, then their exit codes. */
export async function stopSchedulers(schedulers: RunningScheduler[]): Promise<(number | null)[]> {
  for (const scheduler of schedulers) if (scheduler.child.exitCode === null) scheduler.child.kill('SIGTERM');
  return Promise.all(schedulers.map((scheduler) => scheduler.exited));
}

export interface JobRunRow {
  job: string;
  environment: string;
  slot: Date;
  result: string | null;
  claimed_by: string;
  attempts: number;
  exit_code: number | null;
  error: string | null;
}

/** The project's job_runs in the control database, oldest slot first. */
export async function jobRuns(controlDatabase: string, project: string): Promise<JobRunRow[]> {
  const { rows } = await adminQuery(
    `select job, environment, slot, result, claimed_by, attempts, exit_code, error
       from launchdb_control.job_runs where project = $1 order by slot, job`,
    [project],
    controlDatabase,
  );
  return rows as JobRunRow[];
}

/** The slots a log says were run (`ran <job> on <env>, slot <iso>, in … s: <how>`), with how each ended. */
export function ranLines(output: string): { slot: string; job: string; how: string }[] {
  return [...output.matchAll(/ ran (\S+) on \S+, slot (\S+), in [\d.]+ s: (.*)$/gm)].map((match) => ({
    job: match[1]!,
    slot: match[2]!,
    how: match[3]!,
  }));
}

/** A run of consecutive one-second slots by running schedulers, read back once they stopped. */
export interface SlotWindow {
  first: Date;
  last: Date;
  /** The schedulers' ids, in the order they were given. */
  ids: string[];
  /** Their exit codes, stopped (SIGTERM) once the last slot had a result. */
  exitCodes: (number | null)[];
  /** The window's job_runs, oldest first. */
  rows: JobRunRow[];
  logs: string[];
  /** The logs' "ran" lines of the window, each with the id of the scheduler whose log has it. */
  ran: { slot: string; job: string; how: string; by: string }[];
}

/**
 * Starts `count` schedulers in the project at `dir` on a one-second cron and lets them run `slots`
 * consecutive slots: the window opens 3 s after all are up, once each has its next child loaded.
 * Stops them when the last slot has a result (waiting up to `timeoutMs`), or on any failure, and
 * reads the window back from job_runs and their logs.
 */
export async function runSlotWindow(
  where: { dir: string; control: string; project: string },
  count: number,
  slots: number,
  timeoutMs: number,
): Promise<SlotWindow> {
  const starts = await Promise.allSettled(Array.from({ length: count }, () => startScheduler(where.dir)));
  const schedulers = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  try {
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw failed.reason;
    return await readSlotWindow(schedulers, where, slots, timeoutMs);
  } catch (error) {
    const logs = schedulers.map((scheduler) => scheduler.output()).join('\n----\n');
    throw new Error(`${(error as Error).message}\n--- scheduler logs ---\n${logs}`, { cause: error });
  } finally {
    await stopSchedulers(schedulers);
  }
}

async function readSlotWindow(
  schedulers: RunningScheduler[],
  where: { control: string; project: string },
  slots: number,
  timeoutMs: number,
): Promise<SlotWindow> {
  const first = secondsFromNow(3);
  const last = new Date(first.getTime() + (slots - 1) * 1000);
  await until(async () => {
    const rows = await jobRuns(where.control, where.project);
    return rows.some((row) => row.slot.getTime() === last.getTime() && row.result !== null);
  }, timeoutMs);
  const exitCodes = await stopSchedulers(schedulers);
  const inWindow = (slot: Date) => slot >= first && slot <= last;
  const ids = schedulers.map((scheduler) => scheduler.id);
  const logs = schedulers.map((scheduler) => scheduler.output());
  return {
    first,
    last,
    ids,
    exitCodes,
    rows: (await jobRuns(where.control, where.project)).filter((row) => inWindow(row.slot)),
    logs,
    ran: logs.flatMap((log, i) =>
      ranLines(log)
        .filter((line) => inWindow(new Date(line.slot)))
        .map((line) => ({ ...line, by: ids[i]! })),
    ),
  };
}

/**
 * Each slot of the window ran exactly once and ended ok, claimed by one of the schedulers, as
 * job_runs say and the logs agree: one "ran" line a slot, in the log of its claimer. `context` is
 * shown when it does not hold.
 */
export function expectEachSlotRanOnce(window: SlotWindow, context: string): void {
  const { first, last, ids, rows, ran } = window;
  const slots = (last.getTime() - first.getTime()) / 1000 + 1;
  expect(
    rows.map((row) => row.slot.getTime()),
    context,
  ).toEqual(Array.from({ length: slots }, (_, i) => first.getTime() + i * 1000));
  for (const row of rows) {
    expect(row, context).toMatchObject({ result: 'ok', exit_code: 0, attempts: 1, error: null });
    expect(ids, context).toContain(row.claimed_by);
  }
  expect(ran, context).toHaveLength(slots);
  expect(new Set(ran.map((line) => line.slot)).size, context).toBe(slots);
  for (const line of ran) {
    expect(line.how, context).toBe('ok');
    const row = rows.find((each) => each.slot.toISOString() === line.slot);
    expect(row?.claimed_by, context).toBe(line.by);
  }
}

/** True while `pid` is a live process (a zombie, dead but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Drops what `attach postgres --admin-url` provisioned for `env` on the shared server. */
export async function dropProvisioned(project: string, env: string): Promise<void> {
  const database = `${project}_${env}`;
  await adminQuery(`drop database if exists ${database} with (force)`);
  for (const kind of ['app', 'readonly', 'owner'])
    await adminQuery(`drop role if exists ${database}_${kind}`);
}

/** A six-field cron naming one second of the day, `at` (UTC): a slot the test chooses, once a day. */
export function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

/** The whole second `seconds` from now. */
export function secondsFromNow(seconds: number): Date {
  return new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000);
}

/** The pid of the child that runs `slot` of `job`, from the log of the scheduler that started it. */
export function childPid(output: string, job: string, slot: Date): number | undefined {
  const line = output
    .split('\n')
    .find((each) => each.includes(`started ${job}, slot ${slot.toISOString()} (pid `));
  const pid = line && /\(pid (\d+)/.exec(line)?.[1];
  return pid ? Number(pid) : undefined;
}
