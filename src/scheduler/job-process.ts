// One scheduled run as a child process running the real launchdb command (job-child.ts): prepared
// ahead of its slot (Node started, the command's code loaded), started when the slot is claimed, its
// output handed over line by line, stopped past its timeout or on request, and how it ended.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { VIA_VARIABLE } from '../control/check-run-via.js';
import { describeDuration } from '../core/duration.js';

const CHILD_ENTRY = fileURLToPath(new URL('./job-child.js', import.meta.url));
/** After SIGTERM, a run gets this long for its own clean-up before SIGKILL. */
export const KILL_AFTER_MS = 5_000;
/** setTimeout's limit: a longer timeout waits forever rather than firing at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface JobCommand {
  /** The launchdb command's words and flags, `--env` included. */
  argv: readonly string[];
  cwd: string;
  /** Variables added to this process's own: the control database. */
  env?: Record<string, string>;
}

export interface RunOptions {
  timeoutMs: number;
  /** Each line the command writes, as it comes, without its line end. */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface JobEnd {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when it was stopped: past its timeout, or why the caller stopped it. */
  stopped?: string;
  /**
   * The run's one line: the command's last `error: …` line, else its last stderr line, else its
   * last two stdout lines (a `check` that is not ready ends with its counts and `NOT READY`), else `exit N`.
   */
  errorLine: string;
}

export interface JobProcess {
  pid: number;
  ended: Promise<JobEnd>;
  /** SIGTERM, then SIGKILL after KILL_AFTER_MS; `why` becomes the run's error line. */
  stop(why: string): void;
}

/** A child started and loaded, waiting for its slot. */
export interface PreparedJob {
  pid: number;
  /** Runs the command now; its timeout starts here. */
  start(options: RunOptions): JobProcess;
  /** Not needed after all: its pipe closes and it exits without running anything. */
  discard(): void;
}

/** `scheduler@<host>`: who the audit trail names for a scheduled run, unless LAUNCHDB_ACTOR says. */
export function schedulerActor(): string {
  return process.env.LAUNCHDB_ACTOR || `scheduler@${hostname()}`;
}

/** Starts the child; it loads the command and waits for `start`. */
export function prepareJobProcess(command: JobCommand): PreparedJob {
  // stdin is a pipe the child watches: when this process dies, the pipe closes and the child stops.
  const child = spawn(process.execPath, [CHILD_ENTRY, ...command.argv], {
    cwd: command.cwd,
    env: { ...process.env, LAUNCHDB_ACTOR: schedulerActor(), [VIA_VARIABLE]: 'scheduler', ...command.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C at the scheduler's terminal reaches the scheduler, which decides
    // whether running jobs finish, rather than every job at once.
    detached: true,
  });
  // The pipe is only for the child to notice this process dying; a write error (the child gone) is moot.
  child.stdin.on('error', () => {});
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    },
  );
  exited.catch(() => {}); // a failed spawn is reported by start
  const output = captureLines(child);
  return {
    pid: child.pid ?? -1,
    discard: () => child.stdin.end(),
    start: (options) => {
      output.deliver(options.onLine);
      child.stdin.write('run\n');
      return running(child, exited, output, options);
    },
  };
}

function running(
  child: ChildProcessWithoutNullStreams,
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>,
  output: ReturnType<typeof captureLines>,
  options: RunOptions,
): JobProcess {
  let stopped: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: string) => {
    if (stopped !== undefined || child.exitCode !== null || child.signalCode !== null) return;
    stopped = why;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  const timeout = setTimeout(
    () => stop(`ran longer than its timeout of ${describeDuration(options.timeoutMs)}`),
    Math.min(options.timeoutMs, MAX_TIMER_MS),
  );
  const ended = exited
    .then(async ({ exitCode, signal }) => {
      // Every line is in before the run is judged by its last error line.
      await output.closed;
      const errorLine =
        stopped ??
        output.lastError() ??
        output.lastStderr() ??
        (exitCode !== 0 ? output.lastStdout() : undefined) ??
        (exitCode === null ? `killed by ${signal}` : `exit ${exitCode}`);
      return { exitCode, signal, ...(stopped ? { stopped } : {}), errorLine };
    })
    .finally(() => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
    });
  return { pid: child.pid ?? -1, ended, stop };
}

/** The child's lines, held until someone takes them, and its last error and stderr lines. */
function captureLines(child: ChildProcessWithoutNullStreams) {
  let onLine: RunOptions['onLine'] | undefined;
  const early: [string, 'stdout' | 'stderr'][] = [];
  let lastError: string | undefined;
  let lastStderr: string | undefined;
  const lastStdout: string[] = [];
  const closed = Promise.all(
    (['stdout', 'stderr'] as const).map((stream) => {
      const lines = createInterface({ input: child[stream], crlfDelay: Number.POSITIVE_INFINITY });
      // No colour to strip: the command's output is a pipe, not a terminal.
      lines.on('line', (line) => {
        if (stream === 'stderr' && line.trim()) {
          lastStderr = line.trim();
          if (line.startsWith('error: ')) lastError = line.slice('error: '.length).trim();
        }
        if (stream === 'stdout' && line.trim()) {
          lastStdout.push(line.trim());
          if (lastStdout.length > 2) lastStdout.shift();
        }
        if (onLine) onLine(line, stream);
        else early.push([line, stream]);
      });
      return new Promise<void>((resolve) => lines.once('close', resolve));
    }),
  );
  return {
    closed,
    deliver(to: RunOptions['onLine']) {
      onLine = to;
      for (const [line, stream] of early.splice(0)) to(line, stream);
    },
    lastError: () => lastError,
    lastStderr: () => lastStderr,
    lastStdout: () => (lastStdout.length > 0 ? lastStdout.join('; ') : undefined),
  };
}
