// Applying 500 generated, realistic migrations to an empty server database: launchdb (one transaction
// per migration with its history row) against the floor, `psql --single-transaction -f` on the
// concatenated files, and against node-pg-migrate, postgrator and kysely's migrator, in one run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const COUNT = 500;
const nodeModules = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** Migration i: a table with a unique index and a foreign key to the previous one; every fifth alters. */
function migrationSql(i) {
  const lines = [
    `create table t_${i} (id bigint generated always as identity primary key, parent_id bigint${i > 0 ? ` references t_${i - 1}(id)` : ''}, email text not null, status text not null default 'new', created_at timestamptz not null default now());`,
    `create unique index t_${i}_email_key on t_${i} (email);`,
  ];
  if (i > 0 && i % 5 === 0) lines.push(`alter table t_${i - 1} add column note_${i} text;`);
  return lines.join('\n');
}

function version(i) {
  return `2026${String(10_000_000_000 + i).slice(1)}`; // 14 digits, increasing
}

export async function run({ runs = 5 } = {}) {
  const root = benchProject('bench_migrate', {});
  const dirs = {
    launchdb: join(root, 'launchdb'),
    floor: join(root, 'floor.sql'),
    npm: join(root, 'node-pg-migrate'),
    postgrator: join(root, 'postgrator'),
    kysely: join(root, 'kysely'),
  };
  for (const dir of [dirs.launchdb, dirs.npm, dirs.postgrator, dirs.kysely])
    mkdirSync(dir, { recursive: true });
  const all = [];
  for (let i = 0; i < COUNT; i++) {
    const sql = migrationSql(i);
    all.push(sql);
    writeFileSync(join(dirs.launchdb, `${version(i)}_step_${i}.sql`), `${sql}\n`);
    writeFileSync(
      join(dirs.npm, `${version(i)}_step-${i}.sql`),
      `-- Up Migration\n${sql}\n\n-- Down Migration\n`,
    );
    writeFileSync(join(dirs.postgrator, `${String(i + 1).padStart(4, '0')}.do.step-${i}.sql`), `${sql}\n`);
    writeFileSync(
      join(dirs.kysely, `${version(i)}_step_${i}.mjs`),
      `import { sql } from '${nodeModules}kysely/dist/esm/index.js';\nexport async function up(db) { await sql.raw(${JSON.stringify(sql)}).execute(db); }\n`,
    );
  }
  writeFileSync(dirs.floor, `${all.join('\n')}\n`);

  const admin = serverUrlFor('postgres');
  const fresh = (name) => {
    psql(admin, `drop database if exists ${name} with (force)`);
    psql(admin, `create database ${name}`);
    return serverUrlFor(name);
  };
  const drop = (name) => psql(admin, `drop database if exists ${name} with (force)`);
  const database = `launchdb_bench_mig_${process.pid}`;

  const contenders = {
    floor: (url) =>
      timeRun('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', dirs.floor]),
    launchdb: (url) => {
      const project = join(root, 'project');
      rmSync(project, { recursive: true, force: true });
      mkdirSync(join(project, 'db'), { recursive: true });
      writeFileSync(
        join(project, 'launchdb.config.json'),
        JSON.stringify({
          project: 'bench',
          environments: { staging: { postgres: { url } } },
          migrations: { dir: '../launchdb' },
        }),
      );
      timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'staging'], { cwd: project });
      return timeRun(process.execPath, [BIN, 'migrate', 'up', '--env', 'staging'], { cwd: project });
    },
    'node-pg-migrate': (url) =>
      timeRun(join(nodeModules, '.bin/node-pg-migrate'), ['up', '-m', dirs.npm, '--no-verbose'], {
        env: { DATABASE_URL: url },
      }),
    postgrator: (url) =>
      timeRun(process.execPath, [
        fileURLToPath(new URL('./anchors/postgrator-up.mjs', import.meta.url)),
        dirs.postgrator,
        url,
      ]),
    kysely: (url) =>
      timeRun(process.execPath, [
        fileURLToPath(new URL('./anchors/kysely-up.mjs', import.meta.url)),
        dirs.kysely,
        url,
      ]),
  };
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  try {
    for (let r = 0; r < runs; r++) {
      for (const [name, apply] of Object.entries(contenders)) {
        const url = fresh(database);
        times[name].push(apply(url).ms);
        const count = psql(url, `select count(*) from pg_tables where tablename like 't\\_%'`).trim();
        if (!count.includes(String(COUNT)))
          throw new Error(`${name} did not create ${COUNT} tables: ${count}`);
      }
    }
  } finally {
    drop(database);
    rmSync(root, { recursive: true, force: true });
  }
  const floor = median(times.floor);
  return [
    row(
      `apply ${COUNT} migrations: launchdb vs the floor, \`psql --single-transaction -f\` (target ≤ 1.2×)`,
      median(times.launchdb),
      floor,
    ),
    ...['node-pg-migrate', 'postgrator', 'kysely'].map((name) =>
      row(`apply ${COUNT} migrations: ${name} vs the same floor`, median(times[name]), floor),
    ),
  ];
}
