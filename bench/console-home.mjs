// The console's home page under load: `wrk` with 200 connections, each signed in as its own viewer
// session, against the real `launchdb console` (embedded control database, three environments with
// recorded verdicts). The anchor is the floor of the same machine: a bare node:http server answering
// the same bytes, measured with the same wrk settings in the same run. Also the page weight: the
// home page and what it loads (stylesheet, icon). Targets: p99 ≤ 50 ms, weight ≤ 100 kB.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { BIN, benchProject, collectOutput, row, timeRun } from './lib.mjs';

const CONNECTIONS = 200;
const SESSIONS = 200;
const PASSWORD = 'correct horse battery staple';

export async function run({ seconds = 10 } = {}) {
  const dir = benchProject('bench_console', {
    development: { postgres: {} },
    staging: { postgres: {} },
    production: { postgres: {} },
  });
  const cli = (args, okCodes = [0]) => timeRun(process.execPath, [BIN, ...args], { cwd: dir, okCodes });
  for (const env of ['development', 'staging', 'production']) cli(['check', '--env', env], [0, 1]);
  const added = spawnSync(
    process.execPath,
    [BIN, 'console', 'user', 'add', 'viewer@example.com', '--password-stdin'],
    {
      cwd: dir,
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
    },
  );
  if (added.status !== 0) throw new Error(`console user add: ${added.stderr}`);
  const port = 4900 + (process.pid % 500);
  const consoleProcess = spawn(process.execPath, [BIN, 'console', '--port', String(port)], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await listening(consoleProcess);
    const cookies = [];
    for (let i = 0; i < SESSIONS; i++) cookies.push(await signIn(url));
    const cookieFile = join(dir, 'cookies.txt');
    writeFileSync(cookieFile, `${cookies.join('\n')}\n`);
    // Each connection is a viewer with a session of its own. Paced: a viewer clicks about every
    // 100 ms (50 to 150), so 200 of them ask about 2,000 pages a second; saturated: no pause, for
    // the most pages a second the console serves.
    const pace = 'delay = function() return math.random(50, 150) end';
    const sessions = [
      'local cookies = {}',
      'local n = 0',
      `for line in io.lines("${cookieFile}") do table.insert(cookies, line) end`,
      'request = function()',
      '  n = n % #cookies + 1',
      '  return wrk.format("GET", "/", { ["Cookie"] = "launchdb_session=" .. cookies[n] })',
      'end',
    ];
    const script = (name, lines) => {
      const file = join(dir, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return ['-s', file];
    };
    const viewers = script('viewers.lua', [...sessions, pace]);
    const flat = script('flat.lua', sessions);
    const pacedFloor = script('paced.lua', [pace]);
    const home = await (
      await fetch(`${url}/`, { headers: { cookie: `launchdb_session=${cookies[0]}` } })
    ).text();
    if (!home.includes('id="env-production"')) throw new Error('the home page did not render');
    const css = await (await fetch(`${url}/assets/console.css`)).text();
    const icon = await (await fetch(`${url}/assets/icon.svg`)).text();
    const weightKb = (Buffer.byteLength(home) + Buffer.byteLength(css) + Buffer.byteLength(icon)) / 1024;

    // Warmed up first, as a console that has been up a while: every session read once, the JIT warm.
    await wrk(`${url}/`, 3, flat);
    const ours = await wrk(`${url}/`, seconds, viewers);
    const oursFlat = await wrk(`${url}/`, seconds, flat);
    const floor = await withFloor(home, async (floorUrl) => {
      await wrk(floorUrl, 3, []);
      return { paced: await wrk(floorUrl, seconds, pacedFloor), flat: await wrk(floorUrl, seconds, []) };
    });
    return [
      row(
        `console home p99, ${CONNECTIONS} signed-in viewers, each a page per ~100 ms (wrk)`,
        ours.p99,
        floor.paced.p99,
      ),
      row('console home median, the same viewers', ours.p50, floor.paced.p50),
      row(
        `console home pages/s, ${CONNECTIONS} connections without pause`,
        oursFlat.rps,
        floor.flat.rps,
        'req/s',
      ),
      row(`console home p99, ${CONNECTIONS} connections without pause`, oursFlat.p99, floor.flat.p99),
      row('console home page weight (page + css + icon)', weightKb, undefined, 'kB'),
    ];
  } finally {
    consoleProcess.kill('SIGTERM');
  }
}

function listening(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('console of')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`console exited ${code}`)));
  });
}

async function signIn(url) {
  const response = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: 'viewer@example.com', password: PASSWORD }).toString(),
  });
  const token = response.headers.get('set-cookie')?.match(/launchdb_session=([^;]*)/)?.[1];
  if (!token) throw new Error(`sign-in failed: ${response.status}`);
  return token;
}

/** The same bytes from a bare node:http server: what this machine and wrk allow at best. */
async function withFloor(body, measure) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    // wrk runs as its own process, so this server answers from this process while it waits.
    return await measure(`http://127.0.0.1:${server.address().port}/`);
  } finally {
    server.close();
  }
}

async function wrk(target, seconds, extra) {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...extra, target];
  const run = await collectOutput('wrk', args);
  const out = run.stdout + run.stderr;
  const ms = (label) => {
    const match = out.match(new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`));
    if (!match) return undefined;
    const factor = { us: 0.001, ms: 1, s: 1000 }[match[2]];
    return Number(match[1]) * factor;
  };
  return { p50: ms('50%'), p99: ms('99%'), rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]) };
}
