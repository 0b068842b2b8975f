// `launchdb migrate drift --json` on a 2,000-table server schema built by its migrations, against what
// a person would do by hand: `pg_dump --schema-only` of the live database plus a `psql -f` replay of
// the migrations into a scratch database (one transaction per file, as migrations run: the whole set
// in one transaction exceeds the server's lock table). Also timed: drift with an embedded (PGlite) shadow.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const TABLES = 2000;
const PER_FILE = 25;

export async function run({ runs = 3 } = {}) {
  const database = `launchdb_bench_drift_${process.pid}`;
  const scratch = `${database}_scratch`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const dir = benchProject('bench_drift', {
    staging: { postgres: { url, adminUrl: admin } },
    preview: { postgres: { url } },
  });
  try {
    const files = migrations();
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    files.forEach((sql, i) => {
      writeFileSync(join(dir, 'db/migrations', `20260101${String(i).padStart(6, '0')}_part.sql`), sql);
    });
    const all = join(dir, 'all.sql');
    writeFileSync(all, files.map((sql) => `begin;\n${sql}\ncommit;`).join('\n'));
    const replay = (target) => timeRun('psql', [target, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', all]);
    replay(url); // the live database, built by its migrations

    const ours = [];
    const anchor = [];
    const replayOnly = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      timeRun('pg_dump', ['--schema-only', '-f', '/dev/null', url]);
      psql(admin, `create database ${scratch}`);
      replayOnly.push(replay(serverUrlFor(scratch)).ms);
      psql(admin, `drop database ${scratch} with (force)`);
      anchor.push(performance.now() - started);
      // Exit 0 only: drift on a database the migrations built would be a false one.
      ours.push(
        timeRun(process.execPath, [BIN, 'migrate', 'drift', '--env', 'staging', '--json'], { cwd: dir }).ms,
      );
    }
    const embedded = [];
    for (let i = 0; i < Math.min(runs, 1); i++) {
      embedded.push(
        timeRun(process.execPath, [BIN, 'migrate', 'drift', '--env', 'preview', '--json'], { cwd: dir }).ms,
      );
    }
    return [
      row(
        `\`migrate drift --json\`, ${TABLES}-table server schema in ${files.length} migrations, server shadow (target ≤ 10 s) vs \`pg_dump --schema-only\` + \`psql -f\` replay into a scratch database`,
        median(ours),
        median(anchor),
      ),
      row(`\`migrate drift --json\`, the same schema, embedded (PGlite) shadow`, median(embedded)),
      row(
        'the replay alone, `psql -f` into an empty server database: the floor of any shadow-based drift',
        median(replayOnly),
      ),
    ];
  } finally {
    psql(admin, `drop database if exists ${scratch} with (force)`);
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
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
