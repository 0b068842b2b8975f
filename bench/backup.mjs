// `launchdb backup create` and `backup restore` on a server database of at least 1 GB: pgbench's tables
// (`pgbench -i -s 55`, ~800 MB) plus a `docs` table of prose and jsonb (~250 MB), against `pg_dump -Fc`
// (default compression) to a file and `pg_restore -j2` of that dump into a fresh database, in the same
// run on the same database. Also beside the backup: the read floor (`\copy t to /dev/null` per table,
// 2 at a time), `pg_dump -Fd -j2 -Z0`, and an encrypted backup; beside the restore, its floor (the
// server loading files it reads itself, no client at all). Ours and the anchor take turns first.
// LAUNCHDB_BENCH_BACKUP_SCALE sets pgbench's scale (default 55); the docs table grows with it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const SCALE = Number(process.env.LAUNCHDB_BENCH_BACKUP_SCALE ?? 55);
/** Rows of `docs` per unit of scale: ~250 MB of docs at scale 55. */
const DOCS_PER_SCALE = 4_800;
const DOCS = Math.max(1000, Math.round(SCALE * DOCS_PER_SCALE));
/** A key for the encrypted variant: the child's LAUNCHDB_BACKUP_KEY; the plain runs set it empty. */
const KEY = 'launchdb-bench-backup-key-0123456789';
const MB = 1e6;

export async function run({ runs = 3 } = {}) {
  if (!Number.isInteger(SCALE) || SCALE < 1) {
    throw new Error(`LAUNCHDB_BENCH_BACKUP_SCALE must be a whole number ≥ 1, not ${SCALE}`);
  }
  const database = `launchdb_bench_backup_${process.pid}`;
  const fresh = `${database}_restore`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const freshUrl = serverUrlFor(fresh);
  const dir = benchProject('bench_backup', { bench: { postgres: { url } } });
  const dumps = join(dir, 'dumps');
  const halvesDir = mkdtempSync(join(tmpdir(), 'launchdb-bench-halves-'));
  try {
    mkdirSync(dumps);
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'bench'], { cwd: dir });
    process.stderr.write(
      `  generating pgbench scale ${SCALE} and ${DOCS.toLocaleString('en-US')} docs rows…\n`,
    );
    const generation = await generate(url);
    const size = Number(query(url, 'select pg_database_size(current_database())'));
    const docsSize = Number(query(url, `select pg_total_relation_size('docs')`));
    const tables = userTables(url);
    const expected = rowCounts(url);

    const plain = { LAUNCHDB_BACKUP_KEY: '' };
    const backup = (env) => {
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'backup', 'create', '--env', 'bench', '--json'],
        {
          cwd: dir,
          env,
        },
      );
      const result = JSON.parse(stdout);
      if (result.encrypted !== (env.LAUNCHDB_BACKUP_KEY !== '')) {
        throw new Error(`backup create: encrypted is ${result.encrypted} with env ${JSON.stringify(env)}`);
      }
      const folder = join(dir, '.launchdb/backups/bench', result.id);
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
      return { ms, id: result.id, bytes: folderBytes(folder), rawBytes: manifest.totals.rawBytes };
    };
    const dumpFc = (i) => {
      const file = join(dumps, `bench-${i}.dump`);
      const { ms } = timeRun('pg_dump', ['-Fc', '-f', file, url]);
      return { ms, file, bytes: statSync(file).size };
    };
    const dumpFd = () => {
      const out = join(dumps, 'bench.dir');
      const { ms } = timeRun('pg_dump', ['-Fd', '-j2', '-Z0', '-f', out, url]);
      rmSync(out, { recursive: true, force: true });
      return ms;
    };
    const floor = async () => {
      const started = performance.now();
      await inTwos(tables, (table) =>
        runAsync('psql', [url, '-X', '-q', '-c', `\\copy ${table} to /dev/null`]),
      );
      return performance.now() - started;
    };

    process.stderr.write('  backing up…\n');
    await floor(); // warm-up: the first reader after the build pays for the page cache, not the others
    const ours = [];
    const anchor = [];
    const floors = [];
    const directory = [];
    const encrypted = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        ours.push(backup(plain));
        anchor.push(dumpFc(i));
      } else {
        anchor.push(dumpFc(i));
        ours.push(backup(plain));
      }
      floors.push(await floor());
      directory.push(dumpFd());
      encrypted.push(backup({ LAUNCHDB_BACKUP_KEY: KEY }).ms);
    }

    process.stderr.write('  restoring…\n');
    const backupId = ours[0].id;
    const dumpFile = anchor[0].file;
    const restores = [];
    const pgRestores = [];
    const intoFresh = async (fn) => {
      psql(admin, `drop database if exists ${fresh} with (force)`);
      psql(admin, `create database ${fresh}`);
      try {
        const ms = await fn();
        const restored = rowCounts(freshUrl);
        if (JSON.stringify(restored) !== JSON.stringify(expected)) {
          throw new Error(`restored rows ${JSON.stringify(restored)}, expected ${JSON.stringify(expected)}`);
        }
        return ms;
      } finally {
        psql(admin, `drop database if exists ${fresh} with (force)`);
      }
    };
    const restoreOurs = () =>
      intoFresh(
        () =>
          timeRun(
            process.execPath,
            [BIN, 'backup', 'restore', backupId, '--to', freshUrl, '--confirm', fresh, '--json'],
            {
              cwd: dir,
              env: plain,
            },
          ).ms,
      );
    const restoreAnchor = () => intoFresh(() => timeRun('pg_restore', ['-j2', '-d', freshUrl, dumpFile]).ms);
    // The restore floor: the server's own work and no client's. It reads COPY text from files itself
    // (written by the server beforehand), every table halved on two connections, then pg_restore
    // builds the keys on two; the tables are made first, untimed.
    const halves = serverHalves(url, tables, halvesDir);
    const restoreFloor = () =>
      intoFresh(async () => {
        timeRun('pg_restore', ['--section=pre-data', '-d', freshUrl, dumpFile]);
        const started = performance.now();
        await Promise.all(
          [0, 1].map((half) =>
            runAsync('psql', [
              freshUrl,
              '-X',
              '-q',
              '-v',
              'ON_ERROR_STOP=1',
              ...halves.flatMap(({ table, files }) =>
                files[half] ? ['-c', `copy ${table} from '${files[half]}'`] : [],
              ),
            ]),
          ),
        );
        timeRun('pg_restore', ['--section=post-data', '-j2', '-d', freshUrl, dumpFile]);
        return performance.now() - started;
      });
    const restoreFloors = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        restores.push(await restoreOurs());
        pgRestores.push(await restoreAnchor());
      } else {
        pgRestores.push(await restoreAnchor());
        restores.push(await restoreOurs());
      }
      restoreFloors.push(await restoreFloor());
    }

    // Drills have no anchor (none of the anchors does a restore test): their figures are reported.
    process.stderr.write('  drilling…\n');
    const drill = (args) => {
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'backup', 'drill', '--env', 'bench', '--backup', backupId, '--json', ...args],
        { cwd: dir, env: plain },
      );
      const result = JSON.parse(stdout);
      if (!result.ok) throw new Error(`the drill failed: ${result.problems.join('; ')}`);
      return { ms, restoreMs: result.restoreMs, scratch: result.scratch };
    };
    const embeddedDrills = [];
    const serverDrills = [];
    for (let i = 0; i < runs; i++) {
      embeddedDrills.push(drill([]));
      serverDrills.push(drill(['--scratch-url', admin]));
    }
    if (serverDrills.some((d) => d.scratch !== 'server')) throw new Error('the server drill ran embedded');

    const raw = ours[0].rawBytes;
    const oursMs = median(ours.map((b) => b.ms));
    const label = `pgbench scale ${SCALE} + ${DOCS.toLocaleString('en-US')} docs rows (${(size / 1e9).toFixed(2)} GB, docs ${Math.round(docsSize / MB)} MB; ${(raw / 1e9).toFixed(2)} GB as COPY text)`;
    return [
      row(
        `\`backup create --json\`, ${label}, vs \`pg_dump -Fc\` to a file (target ≤ 0.9×)`,
        oursMs,
        median(anchor.map((d) => d.ms)),
      ),
      row(
        '… output size: the backup folder vs the `pg_dump -Fc` file (target ≤ 1.2×)',
        median(ours.map((b) => b.bytes)) / MB,
        median(anchor.map((d) => d.bytes)) / MB,
        'MB',
      ),
      row(
        '… compression ratio, COPY-text bytes / stored bytes: launchdb (gzip -1) vs `pg_dump -Fc` (default)',
        raw / median(ours.map((b) => b.bytes)),
        raw / median(anchor.map((d) => d.bytes)),
        '×',
      ),
      row(
        '… `backup create` vs the read floor: `psql -c "\\copy t to /dev/null"` per table, 2 at a time',
        oursMs,
        median(floors),
      ),
      row('… `backup create` vs `pg_dump -Fd -j2 -Z0` (parallel, uncompressed)', oursMs, median(directory)),
      row('… `backup create` with `LAUNCHDB_BACKUP_KEY` (encrypted) vs without', median(encrypted), oursMs),
      row(
        `\`backup restore ID --to URL --json\` into a fresh database vs \`pg_restore -j2 -d\` of the -Fc dump (target ≤ 0.9×)`,
        median(restores),
        median(pgRestores),
      ),
      row(
        '… the restore floor (the server reading COPY text from files itself, each table halved on two connections, then `pg_restore --section=post-data -j2`) vs `pg_restore -j2`',
        median(restoreFloors),
        median(pgRestores),
      ),
      row('… `backup restore` vs that floor', median(restores), median(restoreFloors)),
      row(
        '`backup drill` into an embedded scratch (a temporary folder): whole command; its restore (the RTO it proves) beside it',
        median(embeddedDrills.map((d) => d.ms)),
        median(embeddedDrills.map((d) => d.restoreMs)),
      ),
      row(
        '`backup drill --scratch-url` into a scratch database on the server: whole command; its restore beside it',
        median(serverDrills.map((d) => d.ms)),
        median(serverDrills.map((d) => d.restoreMs)),
      ),
      row(
        'generating the data (`pgbench -i` beside a generate_series insert, once per bench run)',
        generation,
      ),
    ];
  } finally {
    psql(admin, `drop database if exists ${fresh} with (force)`);
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(halvesDir, { recursive: true, force: true });
  }
}

/**
 * pgbench's tables and `docs` at once (two cores): prose of a few hundred common words picked at
 * random, so it compresses like text and not like a repeated string, and a jsonb document per row.
 * Then vacuumed and checkpointed, so no timed reader sets hint bits or waits on a checkpoint. Returns ms.
 */
async function generate(url) {
  const started = performance.now();
  const words = VOCABULARY.split(/\s+/)
    .filter(Boolean)
    .map((word) => `'${word}'`);
  const pick = 'w[1 + floor(random() * n)::int]';
  const docs = `
select setseed(0.42);
create table docs (id bigint primary key, title text not null, body text not null, meta jsonb not null);
insert into docs
with v as (select array[${words.join(', ')}] as w, ${words.length} as n)
select g,
  (select initcap(string_agg(${pick}, ' ')) from generate_series(1, 3 + g % 5), v),
  (select string_agg(
      case when random() < 0.1 then ${pick} || '.'
           when random() < 0.03 then floor(random() * 100000)::text
           else ${pick} end, ' ')
    from generate_series(1, 40 + (g * 7919) % 100), v),
  jsonb_build_object(
    'author', jsonb_build_object('id', 1 + floor(random() * 5000)::int,
      'name', initcap(${pick}) || ' ' || initcap(${pick})),
    'source', (array['web', 'ios', 'android', 'api', 'import'])[1 + g % 5],
    'tags', (select jsonb_agg(${pick}) from generate_series(1, 1 + g % 4), v),
    'views', floor(random() * random() * 100000)::int,
    'published', g % 3 <> 0,
    'rating', round((random() * 5)::numeric, 2),
    'created_at', timestamptz '2024-01-01' + g * interval '37 seconds')
from generate_series(1, ${DOCS}) g, v;`;
  await Promise.all([
    runAsync('pgbench', ['-i', '-q', '-s', String(SCALE), url]),
    runAsync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', docs]),
  ]);
  psql(url, 'vacuum (analyze) docs');
  psql(url, 'checkpoint');
  return performance.now() - started;
}

/**
 * Each table's rows as two files of COPY text the server writes itself (its first half of pages, and
 * the rest), in a folder it may write to: what the restore floor reads back.
 */
function serverHalves(url, tables, folder) {
  chmodSync(folder, 0o777);
  return tables.map((table, i) => {
    const pages = Number(query(url, `select relpages from pg_class where oid = '${table}'::regclass`));
    const half = Math.floor(pages / 2);
    const files = [join(folder, `${i}.0`), join(folder, `${i}.1`)];
    psql(url, `copy (select * from ${table} where ctid < '(${half},0)') to '${files[0]}'`);
    psql(url, `copy (select * from ${table} where ctid >= '(${half},0)') to '${files[1]}'`);
    return { table, files };
  });
}

/** `schema.table` of every table outside the system schemas, quoted for `\copy`. */
function userTables(url) {
  const out = query(
    url,
    `select format('%I.%I', schemaname, tablename) from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
  );
  return out.split('\n').filter(Boolean);
}

/** The row counts of the tables the bench generated: a restore must bring back every one. */
function rowCounts(url) {
  const out = query(
    url,
    `select (select count(*) from pgbench_accounts) || ' ' || (select count(*) from pgbench_history) || ' '
  || (select count(*) from pgbench_tellers) || ' ' || (select count(*) from docs)`,
  );
  return out.trim();
}

/** One query's rows, unaligned, without headers. */
function query(url, sql) {
  const result = spawnSync('psql', [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout;
}

function folderBytes(path) {
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    bytes += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return bytes;
}

/** Runs `fn` over the items, two at a time. */
async function inTwos(items, fn) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]);
  };
  await Promise.all([worker(), worker()]);
}

function runAsync(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

const VOCABULARY = `
the of and to in is that for it as was with be by on not he this are or his from at which but have
an had they you were their one all we can her has there been if more when will would who so no out
up into do any your what time some could them other only new than its also our two may first then
about after these people over such years most made well where between through state work back
order account customer invoice refund shipping delivery address payment product price discount
report review support update release version feature design project market garden coffee travel
winter summer weekly family studio cotton leather ceramic organic express classic premium widget
bakery kitchen window morning evening station river mountain city village library museum school
student teacher doctor patient service network server database backup restore table column index
query result error message request response session token user team manager meeting schedule
budget quarter revenue growth forecast contract partner vendor supplier warehouse inventory stock
`;
