// `launchdb smoke --json` on the example shop against the same steps made by hand: each http step as
// one `curl` process (as a user reproducing a step would run it; its `%{time_total}` is the app's
// time), each sql step as one `psql -c` process as the read-only role (its `\timing`: the query's
// round trip as a connected client sees it, what launchdb's `serviceMs` also measures). Runs
// alternate, the order swapped every run. launchdb's own overhead per step is its step's `ms` minus
// the anchor's time for the same step of the neighbouring anchor run. On the server (a database of
// its own, migrated by `migrate up`, the app as the app role) and on embedded through `launchdb serve`.
// BENCH_SMOKE_RUNS sets the runs per backing (default 9); BENCH_SMOKE_BACKINGS=server skips embedded.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, median, psql, row, SERVER_URL, serverUrlFor, timeRun } from './lib.mjs';

const SHOP = fileURLToPath(new URL('../examples/shop/', import.meta.url));
const SHOP_APP = join(SHOP, 'app', 'server.mjs');
/** The per-step target of issue 18. */
const TARGET_MS = 5;

export async function run({
  runs = Number(process.env.BENCH_SMOKE_RUNS ?? 9),
  backings = (process.env.BENCH_SMOKE_BACKINGS ?? 'server,embedded').split(','),
} = {}) {
  const rows = [];
  for (const backing of backings) rows.push(...(await runOn(backing, runs)));
  return rows;
}

async function runOn(backing, runs) {
  const project = `ldbbench_smoke_${process.pid}_${backing.slice(0, 3)}`;
  const env = backing === 'server' ? 'staging' : 'development';
  const dir = copyShop(project);
  const database = `${project}_${env}`;
  const started = [];
  try {
    const admin = backing === 'server' ? ['--admin-url', SERVER_URL] : [];
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', env, ...admin], { cwd: dir });
    timeRun(process.execPath, [BIN, 'migrate', 'up', '--env', env], { cwd: dir });
    const { readSecrets } = await import('../dist/core/secrets.js');
    let appDatabaseUrl;
    let readerUrl;
    if (backing === 'server') {
      const secrets = readSecrets(join(dir, '.launchdb'), env);
      appDatabaseUrl = secrets.DATABASE_URL;
      readerUrl = secrets.DATABASE_READONLY_URL;
    } else {
      const serve = startProcess([BIN, 'serve', '--env', env, '--port', '0'], dir);
      started.push(serve);
      appDatabaseUrl = (await serve.line(/^DATABASE_URL=(\S+)$/m))[1];
      readerUrl = appDatabaseUrl;
    }
    const app = startProcess([SHOP_APP], dir, {
      DATABASE_URL: appDatabaseUrl,
      PORT: '0',
      LOG_FILE: 'logs/app.log',
    });
    started.push(app);
    const appUrl = (await app.line(/^listening on (http:\/\/\S+)$/m))[1];

    const { loadSmokeSpec } = await import('../dist/smoke/load-spec.js');
    const { spec } = await loadSmokeSpec(dir);
    const smoke = () => {
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'smoke', '--env', env, '--confirm', env, '--app-url', appUrl, '--json'],
        { cwd: dir, env: { FORCE_COLOR: '0' } },
      );
      const result = JSON.parse(stdout);
      if (result.status !== 'passed') throw new Error(`launchdb smoke failed: ${stdout}`);
      return { ms, durationMs: result.durationMs, steps: result.steps };
    };
    // What any command pays on this project before its own work: Node, the config, a connection.
    const startUp = () =>
      timeRun(process.execPath, [BIN, 'migrate', 'status', '--env', env, '--json'], { cwd: dir }).ms;
    const byHand = () => replayByHand(spec, appUrl, readerUrl);
    // One of each first, unmeasured: the app's and the server's first requests warm their caches.
    smoke();
    await byHand();

    const ours = [];
    const anchors = [];
    const startUps = [];
    for (let i = 0; i < runs; i++) {
      startUps.push(startUp());
      if (i % 2 === 0) {
        ours.push(smoke());
        anchors.push(await byHand());
      } else {
        anchors.push(await byHand());
        ours.push(smoke());
      }
    }
    return figures(backing, runs, ours, anchors, startUps);
  } catch (error) {
    // The app's and the server's own words, when one of them stopped answering.
    const outputs = started.map((child) => child.output()).join('\n');
    throw new Error(`${error.message}\n--- output of the processes started:\n${outputs}`, { cause: error });
  } finally {
    for (const child of started.reverse()) await child.stop();
    if (backing === 'server') {
      const adminUrl = serverUrlFor('postgres');
      psql(adminUrl, `drop database if exists ${database} with (force)`);
      for (const role of ['app', 'readonly', 'owner'])
        psql(adminUrl, `drop role if exists ${database}_${role}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per step kind: launchdb's step time against the anchor's, and the difference pair by pair; then whole runs. */
function figures(backing, runs, ours, anchors, startUps) {
  const rows = [];
  const where =
    backing === 'server' ? 'server (Postgres 15, 127.0.0.1)' : 'embedded (PGlite through `launchdb serve`)';
  for (const [kind, tool] of [
    ['http', '`curl` `%{time_total}`, one process per request'],
    ['sql', '`psql -c` `\\timing`, as the read-only role'],
  ]) {
    const mine = [];
    const theirs = [];
    const overhead = [];
    const firstOverhead = [];
    ours.forEach((run, r) => {
      run.steps.forEach((step, s) => {
        if (step.kind !== kind) return;
        const anchor = anchors[r].steps[s];
        mine.push(step.ms);
        theirs.push(anchor.serviceMs);
        overhead.push(step.ms - anchor.serviceMs);
        if (s === 0) firstOverhead.push(step.ms - anchor.serviceMs);
      });
    });
    if (mine.length === 0) continue;
    rows.push(
      row(
        `${where}: a smoke ${kind} step's time (\`ms\`), ${mine.length} steps over ${runs} runs, vs the same by ${tool}`,
        median(mine),
        median(theirs),
      ),
      row(`${where}: launchdb's own overhead per ${kind} step (target ≤ ${TARGET_MS} ms)`, median(overhead)),
    );
    if (firstOverhead.length > 0)
      rows.push(row(`${where}: the same, the run's first step only`, median(firstOverhead)));
  }
  const logs = ours.flatMap((run) => run.steps.filter((step) => step.kind === 'log').map((step) => step.ms));
  if (logs.length > 0)
    rows.push(
      row(
        `${where}: the log step (the app's log file and the database evidence, polling the server's counters until flushed; no anchor)`,
        median(logs),
      ),
    );
  const whole = ours.map((run) => run.ms);
  const withoutLog = ours.map(
    (run) => run.ms - sum(run.steps.filter((step) => step.kind === 'log').map((step) => step.ms)),
  );
  const byHand = anchors.map((anchor) => anchor.processMs);
  rows.push(
    row(
      `${where}: \`launchdb smoke --json\`, the whole process, vs the sum of the curl and psql processes`,
      median(whole),
      median(byHand),
    ),
    row(`${where}: the same without the log step`, median(withoutLog), median(byHand)),
    row(
      `${where}: the run inside the process (\`durationMs\`: from the run's record to its end, no start-up), vs the same`,
      median(ours.map((run) => run.durationMs)),
      median(byHand),
    ),
    row(
      `${where}: for scale, \`launchdb migrate status --json\` (Node, the config, a connection, one read)`,
      median(startUps),
    ),
  );
  return rows;
}

/**
 * The spec's http and sql steps, then its finally steps, made by hand: templates rendered and
 * captures read by launchdb's own code, so the requests and queries are the same; log steps are not
 * replayed. Returns each step's service time (by the tool's own clock) and the processes' wall time.
 */
async function replayByHand(spec, appUrl, readerUrl) {
  const { renderTemplates } = await import('../dist/smoke/template.js');
  const { readCapture } = await import('../dist/smoke/capture.js');
  const { newRunId } = await import('../dist/smoke/run-id.js');
  const { quoteLiteral } = await import('../dist/stores/postgres/sql-quote.js');
  const context = { runId: newRunId(), captures: {}, env: {} };
  const render = (value) => renderTemplates(value, context, 'bench').value;
  const appHeaders = render(spec.app?.headers ?? {});
  const steps = [];
  let processMs = 0;
  for (const step of [...spec.steps, ...(spec.finally ?? [])]) {
    if (step.http) {
      const http = render(step.http);
      const headers = { ...appHeaders, ...http.headers };
      const args = ['-sS', '-X', http.method, '-w', '\n%{http_code} %{time_total}'];
      if (http.body !== undefined) {
        if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
          headers['content-type'] = 'application/json';
        args.push('--data-raw', typeof http.body === 'string' ? http.body : JSON.stringify(http.body));
      }
      for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
      const { ms, stdout } = timeRun('curl', [...args, `${appUrl}${http.path}`]);
      processMs += ms;
      const cut = stdout.lastIndexOf('\n');
      const [status, seconds] = stdout.slice(cut + 1).split(' ');
      const expected = [http.expect?.status ?? 200].flat();
      if (!expected.includes(Number(status))) throw new Error(`curl ${http.method} ${http.path}: ${status}`);
      const body = stdout.slice(0, cut);
      for (const [name, path] of Object.entries(http.capture ?? {}))
        context.captures[name] = readCapture(JSON.parse(body), path).value;
      steps.push({ kind: 'http', serviceMs: Number(seconds) * 1000 });
    } else if (step.sql) {
      const sql = render(step.sql);
      let query = sql.query;
      const params = sql.params ?? [];
      // Highest first, so $1 does not eat the start of $10.
      for (let i = params.length; i >= 1; i--)
        query = query.replaceAll(`$${i}`, quoteLiteral(String(params[i - 1])).trim());
      const { ms, stdout } = timeRun('psql', [
        readerUrl,
        ...['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', '\\timing on', '-c', query],
      ]);
      processMs += ms;
      const timing = /^Time: ([\d.]+) ms/m.exec(stdout);
      if (!timing) throw new Error(`psql gave no timing: ${stdout}`);
      steps.push({ kind: 'sql', serviceMs: Number(timing[1]) });
    } else {
      steps.push({ kind: 'log' });
    }
  }
  return { steps, processMs };
}

/** A copy of examples/shop in a temporary folder under its own project name, without state or logs. */
function copyShop(project) {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-bench-smoke-'));
  cpSync(SHOP, dir, { recursive: true, filter: (source) => !/[\\/](\.launchdb|logs)$/.test(source) });
  const config = join(dir, 'launchdb.config.ts');
  writeFileSync(config, readFileSync(config, 'utf8').replace("project: 'shop'", `project: '${project}'`));
  return dir;
}

/** A node process in `cwd`: `line(pattern)` waits for its output to match; `stop()` ends it. */
function startProcess(args, cwd, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting = new Set();
  const onData = (chunk) => {
    output += chunk;
    for (const check of waiting) check();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          waiting.delete(check);
          resolve(match);
        };
        waiting.add(check);
        check();
        exited.then(() => reject(new Error(`${args.join(' ')} exited: ${output}`)));
      }),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}
