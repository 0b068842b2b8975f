// Shared by the benchmarks: timing whole processes, medians, temp projects, and the server URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const SERVER_URL =
  process.env.LAUNCHDB_TEST_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Runs a command and returns its wall time in ms; a non-zero exit outside `okCodes` throws. */
export function timeRun(command, args, { cwd, env, okCodes = [0] } = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (!okCodes.includes(result.status)) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}: ${result.stderr || result.stdout}`,
    );
  }
  return { ms, stdout: result.stdout };
}

/**
 * Runs a command in the background to its end (stdin closed): resolves to its exit code and
 * collected output, rejects only when it cannot start.
 */
export function collectOutput(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    // 'close', not 'exit': the output is complete only once its streams are.
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function serverUrlFor(database) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A throwaway project folder with the given environments block. */
export function benchProject(name, environments) {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-bench-'));
  writeFileSync(join(dir, 'launchdb.config.json'), JSON.stringify({ project: name, environments }, null, 2));
  return dir;
}

export function psql(url, sql) {
  const result = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout;
}

export function row(figure, ours, anchor, unit = 'ms') {
  const ratio = anchor ? (ours / anchor).toFixed(2) : '—';
  const fmt = (v) => (v === undefined ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} ${unit}`);
  return { figure, ours: fmt(ours), anchor: anchor === undefined ? '—' : fmt(anchor), ratio };
}
