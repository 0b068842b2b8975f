// `launchdb access list --json` on a server with 500 roles besides the environment's own, against
// running its catalog queries directly with psql (recorded from the command, so the anchor does the
// same work). Roles are the server's, so they get a prefix of this run and are dropped after it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, SERVER_URL, serverUrlFor, timeRun } from './lib.mjs';

const TABLES = 20;
/** Personal roles by the convention (members of the app role, with their comment). */
const PERSONAL = 200;
/** Hand-made logins with CONNECT and SELECT on every table. */
const HAND_MADE = 200;
/** Logins of other projects on the same server: no CONNECT here, read and left out. */
const ELSEWHERE = 100;

export async function run({ runs = 7 } = {}) {
  const project = `ldbbench_access_${process.pid}`;
  const database = `${project}_staging`;
  const admin = serverUrlFor('postgres');
  const dir = benchProject(project, { staging: { postgres: {} } });
  writeFileSync(
    join(dir, 'launchdb.config.json'),
    JSON.stringify({
      project,
      environments: { staging: { postgres: {} } },
      access: {
        people: { u0: { email: 'u0@bench.dev' }, u1: { email: 'u1@bench.dev' } },
        services: { web: { role: 'app' }, migrations: { role: 'owner' } },
      },
    }),
  );
  try {
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL], {
      cwd: dir,
    });
    const url = serverUrlFor(database);
    const tables = Array.from(
      { length: TABLES },
      (_, i) => `create table t${i} (id bigint primary key, v text);`,
    );
    psql(url, `set role ${database}_owner; ${tables.join(' ')}`);
    const statements = [];
    for (let i = 0; i < PERSONAL; i++) {
      const name = `${database}_p_u${i}`;
      statements.push(
        `create role ${name} login valid until '2099-01-01' in role ${database}_app;`,
        `comment on role ${name} is 'launchdb personal access: person=u${i}, level=write, expires=2099-01-01T00:00:00.000Z';`,
      );
    }
    for (let i = 0; i < HAND_MADE; i++) {
      const name = `${project}_h${i}`;
      statements.push(
        `create role ${name} login;`,
        `grant connect on database ${database} to ${name};`,
        `grant usage on schema public to ${name};`,
        `grant select on all tables in schema public to ${name};`,
      );
    }
    for (let i = 0; i < ELSEWHERE; i++) statements.push(`create role ${project}_x${i} login;`);
    const file = join(dir, 'roles.sql');
    writeFileSync(file, statements.join('\n'));
    timeRun('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file]);

    const queries = await recordQueries(dir);
    const queryFile = join(dir, 'access-queries.sql');
    writeFileSync(queryFile, `${queries.join(';\n')};\n`);
    const listed = JSON.parse(
      timeRun(process.execPath, [BIN, 'access', 'list', '--env', 'staging', '--json'], { cwd: dir }).stdout,
    );
    if (listed.roles.length < PERSONAL + HAND_MADE + 3) {
      throw new Error(`access list listed ${listed.roles.length} roles, fewer than were made`);
    }

    const ours = [];
    const anchor = [];
    for (let i = 0; i < runs; i++) {
      anchor.push(timeRun('psql', [url, '-X', '-q', '-o', '/dev/null', '-f', queryFile]).ms);
      ours.push(
        timeRun(process.execPath, [BIN, 'access', 'list', '--env', 'staging', '--json'], { cwd: dir }).ms,
      );
    }
    return [
      row(
        `\`launchdb access list --json\`, ${listed.roles.length} login roles of ${PERSONAL + HAND_MADE + ELSEWHERE + 3} made, ${TABLES} tables (target ≤ 1000 ms) vs its ${queries.length} catalog queries run by psql`,
        median(ours),
        median(anchor),
      ),
    ];
  } finally {
    psql(admin, `drop database if exists ${database} with (force)`);
    psql(
      admin,
      `do $$ declare r record; begin
         for r in select rolname from pg_roles where starts_with(rolname, '${project}') loop
           execute format('drop role %I', r.rolname);
         end loop; end $$`,
    );
  }
}

/** Runs access list in-process with a recording connection and returns every SQL text it sent. */
async function recordQueries(dir) {
  const { Project } = await import('../dist/core/project.js');
  const { PostgresSession } = await import('../dist/stores/postgres/session.js');
  const { resolvePostgresTarget } = await import('../dist/stores/postgres/target.js');
  const { listAccess } = await import('../dist/stores/postgres/access/access-list.js');
  const project = await Project.load(dir);
  const env = project.environment('staging');
  const target = resolvePostgresTarget(env);
  const session = new PostgresSession(env, target, { connectTimeoutMs: 10_000, command: 'bench' });
  const db = await session.connect();
  const queries = [];
  const query = db.query.bind(db);
  db.query = (text, params) => {
    queries.push(inline(text, params));
    return query(text, params);
  };
  await listAccess(db, project, env, target);
  await session.close();
  return queries;
}

/** Parameters written into the text as literals (arrays as text[] literals), so psql can run the same query. */
function inline(text, params = []) {
  return text.replace(/\$(\d+)/g, (_, n) => {
    const value = params[Number(n) - 1];
    if (value === null || value === undefined) return 'null';
    if (Array.isArray(value)) {
      return `array[${value.map((item) => `'${String(item).replaceAll("'", "''")}'`).join(', ')}]::text[]`;
    }
    return `'${String(value).replaceAll("'", "''")}'`;
  });
}
