// Runs launchdb in-process with captured output, or as a real process from the built dist/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { redactText } from '../../src/core/redact.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** In-process: fast, same code as the bin. `answers` are typed at prompts, in order. */
export async function runCli(
  argv: string[],
  options: { cwd: string; answers?: string[] },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const answers = [...(options.answers ?? [])];
  const secrets = new Set<string>();
  const io: Io = {
    cwd: options.cwd,
    secrets,
    out: (text) => {
      stdout += redactText(text, secrets);
    },
    outUnredacted: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += redactText(text, secrets);
    },
    style: (_style, text) => text,
    ask: async () => (options.answers ? (answers.shift() ?? '') : undefined),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** As a child process of the built CLI (run `npm run build` first; `npm test` does). */
export function runBin(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number; stdin?: string },
): Promise<CliResult & { durationMs: number }> {
  return runNode([BIN, ...argv], options);
}

export interface ProcessOptions {
  cwd?: string;
  /** Over this process's environment; a name set to undefined is left out. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  stdin?: string;
}

/** `node ARGS` as a child process, as runProcess runs it. */
export function runNode(
  args: string[],
  options: ProcessOptions = {},
): Promise<CliResult & { durationMs: number }> {
  return runProcess(process.execPath, args, options);
}

/**
 * `COMMAND ARGS` as a child process, its output collected; killed after `timeoutMs` (default 60 s).
 * `stdin` is written to its standard input (else it has none).
 */
export function runProcess(
  command: string,
  args: string[],
  options: ProcessOptions = {},
): Promise<CliResult & { durationMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // No stdin given: it is closed at once, as if empty.
    child.stdin.end(options.stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** The built CLI started in the background, for tests that signal or kill it midway. */
export function launchBin(args: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  /** Its exit code, or null when a signal ended it. */
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ? null : code)),
  );
  return { child, exited, output: () => output };
}

/** Waits until `condition` holds, checking every 20 ms; throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
