// `launchdb check --json` on a server database of 2,000 tables, against running the checks' own
// catalog queries directly with psql (recorded from the checks, so the anchor does the same work).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const TABLES = 2000;

export async function run({ runs = 7 } = {}) {
  const database = `launchdb_bench_${process.pid}`;
  psql(serverUrlFor('postgres'), `drop database if exists ${database} with (force)`);
  psql(serverUrlFor('postgres'), `create database ${database}`);
  const url = serverUrlFor(database);
  try {
    const ddl = [];
    for (let i = 0; i < TABLES; i++) {
      ddl.push(
        `create table t${i} (id bigint generated always as identity primary key, parent bigint references t${Math.max(0, i - 1)}(id), name text not null, created_at timestamptz default now());`,
        `create index on t${i} (name);`,
      );
    }
    const file = join(benchProject('x', {}), 'schema.sql');
    writeFileSync(file, ddl.join('\n'));
    timeRun('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file]);

    const dir = benchProject('bench', { staging: { postgres: { url } } });
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'staging'], { cwd: dir });
    const queries = await recordCheckQueries(dir);
    const queryFile = join(dir, 'check-queries.sql');
    writeFileSync(queryFile, `${queries.join(';\n')};\n`);

    const ours = [];
    const anchor = [];
    for (let i = 0; i < runs; i++) {
      anchor.push(timeRun('psql', [url, '-X', '-q', '-o', '/dev/null', '-f', queryFile]).ms);
      ours.push(
        timeRun(process.execPath, [BIN, 'check', '--env', 'staging', '--json'], { cwd: dir, okCodes: [0, 1] })
          .ms,
      );
    }
    return [
      row(
        `\`launchdb check --json\`, ${TABLES}-table server database (target ≤ 1500 ms) vs its ${queries.length} catalog queries run by psql`,
        median(ours),
        median(anchor),
      ),
    ];
  } finally {
    psql(serverUrlFor('postgres'), `drop database if exists ${database} with (force)`);
  }
}

/** Runs the checks in-process with a recording connection and returns every SQL text they sent. */
async function recordCheckQueries(dir) {
  const { Project } = await import('../dist/core/project.js');
  const { PostgresSession } = await import('../dist/stores/postgres/session.js');
  const { resolvePostgresTarget } = await import('../dist/stores/postgres/target.js');
  const { postgresChecks } = await import('../dist/stores/postgres/checks/index.js');
  const { runChecks } = await import('../dist/core/checks/run-checks.js');
  const project = await Project.load(dir);
  const env = project.environment('staging');
  const session = new PostgresSession(env, resolvePostgresTarget(env), {
    connectTimeoutMs: 10_000,
    command: 'bench',
  });
  const db = await session.connect();
  const queries = [];
  const query = db.query.bind(db);
  db.query = (text, params) => {
    queries.push(inline(text, params));
    return query(text, params);
  };
  await runChecks(
    postgresChecks,
    { project, env, postgres: session, now: new Date() },
    { project: 'bench', environment: 'staging' },
  );
  await session.close();
  return queries.filter((q) => !/^\s*(insert|delete|update)\b/i.test(q));
}

/** Parameters written into the text as literals, so psql can run the same query. */
function inline(text, params = []) {
  return text.replace(/\$(\d+)/g, (_, n) => {
    const value = params[Number(n) - 1];
    return value === null || value === undefined ? 'null' : `'${String(value).replaceAll("'", "''")}'`;
  });
}
