// For the scheduler's tests: a project with a JSON config (so each job's child process starts fast),
// `launchdb scheduler run` processes from the built bin with their logs, and the control database's
// job_runs read back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBin, until } from './cli.js';
import { adminQuery, uniqueName } from './databases.js';

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
