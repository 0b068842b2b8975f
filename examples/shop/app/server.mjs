// The example shop's HTTP app: accounts and orders over Postgres through launchdb/pool, JSON in and
// out, one JSON log line per event. Run it with DATABASE_URL set (README.md beside this folder).
//
//   PORT      port on 127.0.0.1 (default 3000; 0 picks a free one)
//   LOG_FILE  the log file, appended to (default logs/app.log under the working directory)
//
// Prints `listening on http://127.0.0.1:PORT` once listening; SIGTERM or SIGINT stops it: no new
// connections, requests in flight finish, the pool ends, exit 0.
import { createServer } from 'node:http';
import { createPool, PoolConnectionError, PoolExhaustedError, QueryTimeoutError } from 'launchdb/pool';
import { accountRoutes } from './accounts.mjs';
import { HttpError, sendJson } from './http.mjs';
import { createLog, msSince } from './log.mjs';
import { orderRoutes } from './orders.mjs';

const HOST = '127.0.0.1';
/** How long a stop waits for requests in flight before closing their connections. */
const STOP_TIMEOUT_MS = 10_000;

const port = portOf(process.env.PORT ?? '3000');
const log = createLog(process.env.LOG_FILE || 'logs/app.log');
// Once per process, at module scope: DATABASE_URL and the pool's limits come from the environment.
const pool = poolOrExit();
pool.on('error', (error) => log.error('idle connection lost', { error: error.message }));

const routes = [
  { method: 'GET', path: /^\/health$/, handle: health },
  ...accountRoutes({ pool, log }),
  ...orderRoutes({ pool, log }),
];

async function health() {
  const result = await pool.health({ timeoutMs: 1_000 });
  return { status: result.ok ? 200 : 503, body: result };
}

const server = createServer(async (req, res) => {
  const started = performance.now();
  const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
  const status = await answer(req, res, path);
  log.info('request', { method: req.method, path, status, ms: msSince(started) });
});

/** Runs the route `path` names and writes its answer; returns the status sent. */
async function answer(req, res, path) {
  try {
    const matching = routes.filter((route) => route.path.test(path));
    const route = matching.find((candidate) => candidate.method === req.method);
    if (!route) {
      if (matching.length === 0) throw new HttpError(404, `no route ${path}`);
      res.setHeader('allow', matching.map((candidate) => candidate.method).join(', '));
      throw new HttpError(405, `${req.method} is not allowed on ${path}`);
    }
    const result = await route.handle({ req, params: route.path.exec(path).slice(1) });
    sendJson(res, result.status, result.body);
    return result.status;
  } catch (error) {
    return answerError(error, req, res, path);
  }
}

function answerError(error, req, res, path) {
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.message });
    return error.status;
  }
  // The message names the server (host:port/database) and what happened, never the password.
  log.error('database error', { method: req.method, path, error: error.message, code: error.code });
  // A slow query, a full pool or a lost server is a 503 the client may retry, not a request that hangs.
  if (
    error instanceof PoolExhaustedError ||
    error instanceof QueryTimeoutError ||
    error instanceof PoolConnectionError
  ) {
    sendJson(res, 503, { error: 'busy, try again' }, { 'retry-after': '1' });
    return 503;
  }
  sendJson(res, 500, { error: 'internal error' });
  return 500;
}

server.on('error', (error) => {
  const reason = error.code === 'EADDRINUSE' ? `port ${port} on ${HOST} is already in use` : error.message;
  exitWithUsage(`${reason}; set PORT to a free port (0 picks one)`);
});
server.listen(port, HOST, () => {
  process.stdout.write(`listening on http://${HOST}:${server.address().port}\n`);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop(signal));

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // Requests still running after the grace period lose their connections.
  const deadline = setTimeout(() => server.closeAllConnections(), STOP_TIMEOUT_MS);
  await closed;
  clearTimeout(deadline);
  await pool.end({ timeoutMs: STOP_TIMEOUT_MS });
  log.info('stopped');
  process.exit(0);
}

function portOf(text) {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value > 65_535)
    exitWithUsage(`PORT must be a whole number 0-65535, got "${text}"`);
  return value;
}

function poolOrExit() {
  try {
    return createPool({ kind: 'web' });
  } catch (error) {
    // createPool names the bad option or variable, and never echoes a URL.
    exitWithUsage(error.message);
  }
}

/** Bad configuration: one line naming it and the fix, exit 2. */
function exitWithUsage(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
