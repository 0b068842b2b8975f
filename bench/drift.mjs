// `launchdb migrate drift --json` on a 2,000-table server schema built by its migrations, against what
// a person would do by hand: `pg_dump --schema-only` of the live database plus a `psql -f` replay of
// the migrations into a scratch database (one transaction per file, as migrations run: the whole set
// in one transaction exceeds the server's lock table). Every timed drift starts with nothing cached
// (no expected schema in `.launchdb/cache` or the database, no kept shadow), so it replays them all,
// as the anchor does; then the same drift again, its expected schema from the cache the first wrote.
// Also timed: drift with an embedded (PGlite) shadow, from a copy of the project without an admin URL.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const TABLES = 2000;
const PER_FILE = 25;

export async function run({ runs = 3 } = {}) {
  const database = `launchdb_bench_drift_${process.pid}`;
  const scratch = `${database}_scratch`;
  const kept = `${database}_shadow_kept`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  // One environment, two copies of the project: with an admin URL (a server shadow) and without (embedded).
  const dir = benchProject('bench_drift', { staging: { postgres: { url, adminUrl: admin } } });
  const embeddedDir = benchProject('bench_drift', { staging: { postgres: { url } } });
  const drift = (cwd) =>
    timeRun(process.execPath, [BIN, 'migrate', 'drift', '--env', 'staging', '--json'], { cwd });
  /** Drift's report of where its expected schema came from; exit 0 only: drift here would be a false one. */
  const source = (result) => JSON.parse(result.stdout).expectedSchema?.source;
  try {
    const files = migrations();
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    files.forEach((sql, i) => {
      writeFileSync(join(dir, 'db/migrations', `20260101${String(i).padStart(6, '0')}_part.sql`), sql);
    });
    cpSync(join(dir, 'db'), join(embeddedDir, 'db'), { recursive: true });
    const all = join(dir, 'all.sql');
    writeFileSync(all, files.map((sql) => `begin;\n${sql}\ncommit;`).join('\n'));
    const replay = (target) => timeRun('psql', [target, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', all]);
    // The live database, built by its migrations by hand, then adopted: attached and baselined.
    replay(url);
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'staging'], { cwd: dir });
    timeRun(process.execPath, [BIN, 'migrate', 'baseline', '--env', 'staging'], { cwd: dir });
    const forgetCache = () => {
      rmSync(join(dir, '.launchdb/cache'), { recursive: true, force: true });
      psql(
        url,
        `do $$ begin if to_regclass('launchdb.expected_schema') is not null then
        delete from launchdb.expected_schema; end if; end $$`,
      );
      psql(admin, `drop database if exists ${kept} with (force)`);
    };

    const ours = [];
    const anchor = [];
    const replayOnly = [];
    const repeat = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      timeRun('pg_dump', ['--schema-only', '-f', '/dev/null', url]);
      psql(admin, `create database ${scratch}`);
      replayOnly.push(replay(serverUrlFor(scratch)).ms);
      psql(admin, `drop database ${scratch} with (force)`);
      anchor.push(performance.now() - started);
      forgetCache();
      const cold = drift(dir);
      if (source(cold) !== 'kept shadow') throw new Error(`expected a replay, got ${source(cold)}`);
      ours.push(cold.ms);
      const warm = drift(dir);
      if (source(warm) !== 'local cache') throw new Error(`expected the local cache, got ${source(warm)}`);
      repeat.push(warm.ms);
    }
    const embedded = [];
    for (let i = 0; i < Math.min(runs, 1); i++) embedded.push(drift(embeddedDir).ms);
    return [
      row(
        `\`migrate drift --json\`, ${TABLES}-table server schema in ${files.length} migrations, server shadow, nothing cached (target ≤ 10 s) vs \`pg_dump --schema-only\` + \`psql -f\` replay into a scratch database`,
        median(ours),
        median(anchor),
      ),
      row(
        'the same drift repeated: the expected schema from the local cache, nothing replayed',
        median(repeat),
      ),
      row(
        `\`migrate drift --json\`, the same schema, embedded (PGlite) shadow kept on disk, nothing cached`,
        median(embedded),
      ),
      row(
        'the replay alone, `psql -f` into an empty server database: the floor of any shadow-based drift',
        median(replayOnly),
      ),
    ];
  } finally {
    psql(admin, `drop database if exists ${scratch} with (force)`);
    psql(admin, `drop database if exists ${kept} with (force)`);
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(embeddedDir, { recursive: true, force: true });
  }
}

/** An application's schema grown over time: tables with foreign keys, indexes, triggers, views and policies. */
export function migrations() {
  const files = [];
  let sql = `create type status as enum ('draft', 'active', 'archived');
create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create table accounts (id bigint generated always as identity primary key, name text not null unique);`;
  for (let i = 0; i < TABLES; i++) {
    const parent = i === 0 ? 'accounts' : `t${i - 1}`;
    sql += `
create table t${i} (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  parent_id bigint references ${parent} (id) on delete set null,
  title text not null,
  state status not null default 'draft',
  amount numeric(12, 2) check (amount >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index t${i}_account_idx on t${i} (account_id, created_at desc);
create trigger t${i}_touch before update on t${i} for each row execute function touch_updated_at();`;
    if (i % 10 === 0) {
      sql += `
create view t${i}_active as select id, title, amount from t${i} where state = 'active';
alter table t${i} enable row level security;
create policy t${i}_account on t${i} using (account_id = nullif(current_setting('app.account', true), '')::bigint);`;
    }
    if (i % 7 === 3) sql += `\nalter table t${i} add column note text;`;
    if ((i + 1) % PER_FILE === 0) {
      files.push(sql);
      sql = '';
    }
  }
  if (sql) files.push(sql);
  return files;
}
