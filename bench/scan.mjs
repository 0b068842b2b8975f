// `launchdb scan data` on a server database of 5,000,000 rows in 20 tables (~1.5 GB): with the default
// sampling (target ≤ 10 s), and a full, unsampled scan (`--full`) against what a person would do by
// hand: `pg_dump --data-only | grep` for the same kinds of values.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const TABLES = 20;
const ROWS_PER_TABLE = 250_000;
/** A value of the project's demo seeds, planted in production: the strongest finding. */
const DEMO_EMAIL = 'olivia@brightside-bakery.io';

export async function run({ runs = 3 } = {}) {
  const database = `launchdb_bench_scan_${process.pid}`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const dir = benchProject('bench_scan', { production: { postgres: { url } } });
  try {
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'production', '--confirm', 'production'], {
      cwd: dir,
    });
    process.stderr.write(
      `  generating ${TABLES} tables of ${ROWS_PER_TABLE.toLocaleString('en-US')} rows…\n`,
    );
    const generation = await generate(url);
    const size = psql(url, `select pg_database_size(current_database())`).match(/\d{6,}/)?.[0];
    const gigabytes = (Number(size) / 1e9).toFixed(2);
    mkdirSync(join(dir, 'db/seeds/demo'), { recursive: true });
    writeFileSync(
      join(dir, 'db/seeds/demo/users.json'),
      JSON.stringify([{ email: DEMO_EMAIL, name: 'Olivia Brightside' }]),
    );

    const scan = (args) => {
      // Exit 1: production holds planted test keys and demo-seed values, so the scan fails, as it should.
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'scan', 'data', '--env', 'production', '--json', ...args],
        {
          cwd: dir,
          okCodes: [1],
        },
      );
      const result = JSON.parse(stdout);
      const patterns = new Set(result.findings.map((finding) => finding.pattern));
      for (const expected of [
        'test-secret.stripe-test-key',
        'demo-user.reserved-domain',
        'placeholder.lorem-ipsum',
      ]) {
        if (!patterns.has(expected))
          throw new Error(`scan data ${args.join(' ')} missed the planted ${expected}`);
      }
      return { ms, result };
    };
    const sampled = Array.from({ length: runs }, () => scan([]));
    const full = scan(['--full']);
    if (!full.result.findings.some((finding) => finding.pattern === 'demo-seed.fingerprint')) {
      throw new Error('scan data --full missed the planted demo-seed value');
    }
    const grep = timeRun('sh', [
      '-c',
      `pg_dump --data-only '${url}' | grep -c -i -E '@example\\.(com|org|net)|sk_test_|lorem ipsum|${DEMO_EMAIL}'`,
    ]);

    const examined = sampled[0].result.examinedRows;
    const rate = (scanRun) => (scanRun.result.examinedRows / scanRun.ms) * 1000;
    const label = `${(TABLES * ROWS_PER_TABLE).toLocaleString('en-US')} rows in ${TABLES} tables (${gigabytes} GB)`;
    return [
      row(
        `\`scan data --json\`, ${label}, default sampling: ${examined.toLocaleString('en-US')} rows examined (target ≤ 10 s)`,
        median(sampled.map((scanRun) => scanRun.ms)),
      ),
      row(
        '… rows examined per second, default sampling (wall time of the command)',
        median(sampled.map(rate)),
        undefined,
        'rows/s',
      ),
      row(
        `\`scan data --full --json\`, the same database, every row read, vs \`pg_dump --data-only | grep -c -E …\``,
        full.ms,
        grep.ms,
      ),
      row(
        '… rows examined per second, full scan (wall time of the command)',
        rate(full),
        undefined,
        'rows/s',
      ),
      row(`generating the data server-side (generate_series, once per bench run)`, generation),
    ];
  } finally {
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the tables server-side with generate_series, several at once: text columns with realistic
 * values (names, emails at real-looking domains, titles, prose), a jsonb column, and a few planted
 * findings. Unlogged, which only spares the slow disk the WAL while building: the scan reads the
 * same heap. Analysed, as autovacuum would have, so the planner's estimates are real. Returns ms.
 */
async function generate(url) {
  const started = performance.now();
  const words = `'linen','order','shipped','invoice','refund','account','premium','widget','delivery','address',
    'bakery','garden','coffee','travel','winter','summer','market','review','support','update','family',
    'weekly','report','project','design','studio','cotton','leather','ceramic','organic','express','classic'`;
  const first = `'Maria','James','Priya','Chen','Lucas','Amara','Noah','Elena','Omar','Sofia','Kenji','Fatima','Liam','Ines'`;
  const last = `'Garcia','Smith','Raman','Wang','Silva','Okafor','Brown','Rossi','Haddad','Novak','Tanaka','Khan','Murphy','Costa'`;
  const domains = `'gmail.com','outlook.com','yahoo.com','proton.me','acme.io','northwind.co','fastmail.com'`;
  const pick = (list, expression) =>
    `(array[${list}])[1 + ((${expression}) % array_length(array[${list}], 1))]`;
  const sentence = (seed) =>
    Array.from({ length: 14 }, (_, k) => pick(words, `(g * ${31 + k * 7} + ${seed + k}) % 1000003`)).join(
      " || ' ' || ",
    );
  const tableSql = (t) => {
    const plant = plants(t);
    // A planted value replaces the generated one in every n-th row, spread through the whole heap.
    const column = (name, generated) =>
      plant[name]
        ? `case when g % ${plant[name].every} = 0 then ${plant[name].value} else ${generated} end`
        : generated;
    return `
create unlogged table t${t} (
  id bigint primary key, email text not null, name text not null, title varchar(200), status text,
  body text, meta jsonb, amount numeric(12, 2), created_at timestamptz not null);
insert into t${t}
select g,
  ${column('email', `lower(${pick(first, 'g')}) || '.' || lower(${pick(last, 'g / 7')}) || g || '@' || ${pick(domains, 'g / 3')}`)},
  ${pick(first, 'g')} || ' ' || ${pick(last, 'g / 7')},
  ${column('title', `initcap(${pick(words, 'g * 13')}) || ' ' || ${pick(words, 'g * 17 + 5')} || ' ' || ${pick(words, 'g * 19 + 3')}`)},
  (array['active','pending','closed','archived'])[1 + g % 4],
  ${column('body', sentence(t))},
  ${column(
    'meta',
    `jsonb_build_object('source', (array['web','ios','android','api'])[1 + g % 4],
    'tags', jsonb_build_array(${pick(words, 'g * 23')}, ${pick(words, 'g * 29 + 1')}),
    'note', ${pick(words, 'g * 37')} || ' ' || ${pick(words, 'g * 41 + 2')})`,
  )},
  (g % 100000) / 100.0,
  timestamptz '2025-01-01' + g * interval '1 minute'
from generate_series(1, ${ROWS_PER_TABLE}) g;
analyze t${t};`;
  };
  // Two tables at a time: the machine's cores.
  for (let t = 0; t < TABLES; t += 2) await Promise.all([t, t + 1].map((i) => psqlAsync(url, tableSql(i))));
  return performance.now() - started;
}

function psqlAsync(url, sql) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql failed: ${stderr}`))));
  });
}

/**
 * A few findings per table, by column: a value for every n-th row. Dense enough that a sample of
 * 10,000 rows sees each (demo users, a test key, filler), except the one demo-seed value, which is
 * sparse, for the full scan to find.
 */
function plants(t) {
  const plants = {
    0: { email: { every: 5000, value: `'${DEMO_EMAIL}'` } },
    3: { email: { every: 97, value: `'demo' || g || '@example.com'` } },
    7: { body: { every: 400, value: `'rotate key sk_test_' || md5(g::text)` } },
    12: { title: { every: 300, value: `'Lorem ipsum dolor sit amet'` } },
    15: { meta: { every: 500, value: `'{"todo": "TODO"}'::jsonb` } },
  };
  return plants[t] ?? {};
}
