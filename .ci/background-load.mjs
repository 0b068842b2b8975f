// Other work on the test server, for CI: `node .ci/background-load.mjs` loops until SIGTERM or SIGINT
// on databases of its own, as another app, another developer or another CI job would on a shared
// Postgres server. A test that reads server-wide views (pg_stat_activity, pg_locks, pg_database,
// pg_roles) without narrowing them to its own database, roles or sessions fails beside it.
//
// What runs, each in a loop:
// - deploys: `launchdb migrate up` and `seed` on a throwaway project (the built dist/cli/main.js),
//   provisioned on the server by `attach`, a new migration each round, re-provisioned every few rounds;
// - a transaction holding a table lock for seconds, with a query queued behind it;
// - launchdb's own advisory lock keys (migrations, backup schedule) held, with a session waiting on them;
// - sessions idle in a transaction, one of them aborted;
// - a long query.
// On exit it drops its databases and roles and removes its project folder; at start, those of a run
// that was killed (its pid no longer alive here) go too. Every name starts with `ldbload_<pid>`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SERVER_URL = process.env.LAUNCHDB_TEST_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
/** Rest between deploy rounds: the load must not take the CPU the tests need. */
const DEPLOY_PAUSE_MS = Number(process.env.LAUNCHDB_LOAD_PAUSE_MS ?? 3_000);
/** Rounds of migrations before the project is dropped and provisioned again. */
const ROUNDS_PER_PROJECT = 15;
const PREFIX = 'ldbload_';
const PROJECT = `${PREFIX}${process.pid}`;
const DEPLOY_DB = `${PROJECT}_staging`;
const LOCKS_DB = `${PROJECT}_locks`;
const ROLES = ['owner', 'app', 'readonly'].map((kind) => `${DEPLOY_DB}_${kind}`);
// The keys launchdb locks: src/stores/postgres/migrate/advisory-lock.ts (two int4) and
// src/stores/postgres/backup/schedule.ts (one int8). Advisory locks belong to a database, so these,
// taken in LOCKS_DB, must never pass for a holder in a test's database.
const MIGRATION_LOCK = `pg_advisory_lock(${0x6c64626d}, 1)`;
const SCHEDULE_LOCK = `pg_advisory_lock(hashtextextended('launchdb backup schedule', 0))`;

const stop = new AbortController();
const counts = {
  deploys: 0,
  'table locks': 0,
  'advisory locks': 0,
  'idle transactions': 0,
  'long queries': 0,
};
let child;
let projectDir;

const log = (text) => process.stderr.write(`[load] ${text}\n`);

function serverUrlFor(database) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient(database, work) {
  const client = new pg.Client({ connectionString: serverUrlFor(database), application_name: 'ldbload' });
  // A session ended from the server side (the database dropped on exit) must not end this process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const admin = (sql, params) => withClient('postgres', (client) => client.query(sql, params));

/** Waits `ms`, or less when the load is stopped. */
const sleep = (ms) => delay(ms, undefined, { signal: stop.signal }).catch(() => {});

/** Runs `round` until stopped; a failed round is logged (once until it changes) and tried again after a rest. */
async function loop(name, round, restMs) {
  let lastError;
  while (!stop.signal.aborted) {
    try {
      await round();
      counts[name] += 1;
      lastError = undefined;
    } catch (error) {
      const message = error.message.split('\n')[0];
      if (!stop.signal.aborted && message !== lastError) log(`${name}: ${message}`);
      lastError = message;
    }
    await sleep(restMs);
  }
}

/** A promise awaited later, whose failure must not go unhandled meanwhile. */
function later(promise) {
  promise.catch(() => {});
  return promise;
}

/** Drops the databases and roles, and removes the projects, of load runs whose process is gone; with `own`, this run's too. */
async function removeLeftovers(own) {
  const alive = (pid) => {
    if (Number.isNaN(pid)) return true; // a name of another shape is not a load run's
    if (own && pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return error.code === 'EPERM';
    }
  };
  const orphaned = (names) => names.filter((name) => !alive(Number(/^ldbload_(\d+)[_-]/.exec(name)?.[1])));
  const { rows: databases } = await admin(
    `select datname::text as name from pg_database where starts_with(datname, $1)`,
    [PREFIX],
  );
  for (const name of orphaned(databases.map((row) => row.name)))
    await admin(`drop database if exists "${name}" with (force)`);
  const { rows: roles } = await admin(
    `select rolname::text as name from pg_roles where starts_with(rolname, $1)`,
    [PREFIX],
  );
  for (const name of orphaned(roles.map((row) => row.name))) await admin(`drop role if exists "${name}"`);
  for (const name of orphaned(readdirSync(tmpdir())))
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

/** `launchdb <args>` in the throwaway project; throws with its output when it fails. */
async function launchdb(args) {
  // `npm test` rebuilds dist/ (removing it first): wait for the CLI to be back.
  while (!existsSync(BIN) && !stop.signal.aborted) await sleep(1_000);
  if (stop.signal.aborted) return;
  const result = await new Promise((resolve) => {
    let output = '';
    child = spawn(process.execPath, [BIN, ...args], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (status) => resolve({ status, output }));
  });
  child = undefined;
  if (result.status !== 0 && !stop.signal.aborted) {
    throw new Error(
      `launchdb ${args.join(' ')}: exit ${result.status}: ${result.output.trim().split('\n').pop()}`,
    );
  }
}

function writeProject() {
  projectDir = mkdtempSync(join(tmpdir(), `${PROJECT}-`));
  const write = (file, text) => {
    mkdirSync(join(projectDir, file, '..'), { recursive: true });
    writeFileSync(join(projectDir, file), text);
  };
  write(
    'launchdb.config.ts',
    `import { defineConfig } from 'launchdb';\n\nexport default defineConfig(${JSON.stringify({
      project: PROJECT,
      environments: { staging: { postgres: { adminUrl: SERVER_URL } } },
    })});\n`,
  );
  write(
    'db/migrations/20260101000000_init.sql',
    'create table plans (slug text primary key, name text not null);\ncreate table items (id bigint primary key, plan text references plans, note text);\n',
  );
  write(
    'db/seeds/reference/plans.json',
    '[{ "slug": "free", "name": "Free" }, { "slug": "pro", "name": "Pro" }]\n',
  );
  write(
    'db/seeds/demo/010_items.sql',
    "insert into items select g, 'free', md5(g::text) from generate_series(1, 5000) g\non conflict (id) do update set note = excluded.note;\n",
  );
}

let rounds = 0;
async function deploy() {
  const migrations = join(projectDir, 'db/migrations');
  const step = rounds % ROUNDS_PER_PROJECT;
  const file = (n) => join(migrations, `${20260102000000 + n}_round.sql`);
  if (step === 0) {
    // Provisioned again from nothing: a database and its roles created and dropped on the server.
    await admin(`drop database if exists "${DEPLOY_DB}" with (force)`);
    for (const role of ROLES) await admin(`drop role if exists "${role}"`);
    rmSync(join(projectDir, '.launchdb'), { recursive: true, force: true });
    for (let n = 0; n < ROUNDS_PER_PROJECT; n++) rmSync(file(n), { force: true });
    await launchdb(['attach', 'postgres', '--env', 'staging']);
  }
  writeFileSync(
    file(step),
    `create table round_${step} (id int primary key, note text);\ninsert into round_${step} select g, md5(g::text) from generate_series(1, 2000) g;\n`,
  );
  rounds += 1;
  await launchdb(['migrate', 'up', '--env', 'staging']);
  await launchdb(['seed', '--env', 'staging']);
}

async function tableLock() {
  await withClient(LOCKS_DB, async (holder) => {
    await holder.query('begin');
    await holder.query('lock table load_items in access exclusive mode');
    const waiting = later(withClient(LOCKS_DB, (waiter) => waiter.query('select count(*) from load_items')));
    await holder.query('select pg_sleep(5)');
    await holder.query('commit');
    await waiting;
  });
}

async function advisoryLocks() {
  await withClient(LOCKS_DB, async (holder) => {
    await holder.query(`select ${MIGRATION_LOCK}, ${SCHEDULE_LOCK}`);
    // Queued on the same key: an ungranted advisory lock in pg_locks, from another database than a test's.
    const waiting = later(
      withClient(LOCKS_DB, (waiter) =>
        waiter.query(`select ${MIGRATION_LOCK}; select pg_advisory_unlock_all()`),
      ),
    );
    await holder.query('select pg_sleep(5)');
    await holder.query('select pg_advisory_unlock_all()');
    await waiting;
  });
}

async function idleTransactions() {
  await withClient(LOCKS_DB, (idle) =>
    withClient(LOCKS_DB, async (aborted) => {
      await idle.query('begin');
      await idle.query('select count(*) from load_items');
      await aborted.query('begin');
      await aborted.query('select 1/0').catch(() => {});
      await sleep(8_000);
      await idle.query('rollback');
      await aborted.query('rollback');
    }),
  );
}

async function longQuery() {
  await withClient(LOCKS_DB, (client) => client.query('select pg_sleep(60)'));
}

let stopping = false;
async function shutDown(reason) {
  if (stopping) return;
  stopping = true;
  const done = Object.entries(counts).map(([what, n]) => `${n} ${what}`);
  log(`stopping (${reason}) after ${done.join(', ')}`);
  stop.abort();
  child?.kill('SIGTERM');
  // Dropping with force ends this run's sessions: the loops' queries end with them.
  await removeLeftovers(true).catch((error) => log(`cleanup: ${error.message}`));
  await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  // Again, for what a loop made in the meantime (a deploy's attach).
  await removeLeftovers(true).catch((error) => log(`cleanup: ${error.message}`));
  log('stopped; its databases and roles are dropped');
  process.exit(reason === 'error' ? 1 : 0);
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
// Killed with its parent (a CI job cancelled), it would run on: it stops once its parent is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutDown('its parent exited');
}, 2_000).unref();
process.on('uncaughtException', (error) => {
  log(`failed: ${error.message}`);
  shutDown('error');
});

let running;
try {
  await removeLeftovers(false);
  await admin(`create database "${LOCKS_DB}"`);
  await withClient(LOCKS_DB, (client) =>
    client.query(
      'create table load_items (id int primary key); insert into load_items select generate_series(1, 1000)',
    ),
  );
  writeProject();
  log(`running on ${new URL(SERVER_URL).host}: databases ${DEPLOY_DB} and ${LOCKS_DB}`);
  running = Promise.all([
    loop('deploys', deploy, DEPLOY_PAUSE_MS),
    loop('table locks', tableLock, 1_000),
    loop('advisory locks', advisoryLocks, 1_000),
    loop('idle transactions', idleTransactions, 1_000),
    loop('long queries', longQuery, 1_000),
  ]);
  await running;
} catch (error) {
  log(`failed: ${error.message}`);
  shutDown('error');
}
