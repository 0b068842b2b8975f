// A project with personal access configured, on a private scram cluster, for the personal-access
// tests: staging (unguarded) and production (guarded) attached and migrated, dev embedded and never
// attached, and helpers to run commands as someone, log in as a person and read the catalog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { type CliResult, runCli } from './cli.js';
import { type PrivateCluster, startPrivateCluster } from './private-cluster.js';
import { type TempProject, tempProject } from './project.js';

export type ServerEnv = 'staging' | 'production';

/** The cluster and the project of the test file: set once its beforeAll ran. */
export const fixture = {} as { cluster: PrivateCluster; project: TempProject };
/** Sessions opened during the file, ended after it. */
const clients: pg.Client[] = [];

/** Registers the file's beforeAll and afterAll: the cluster, the project, `envs` attached and migrated. */
export function useAccessProject(envs: ServerEnv[]): void {
  beforeAll(async () => {
    fixture.cluster = await startPrivateCluster();
    const url = fixture.cluster.superuserUrl;
    fixture.project = tempProject(`{
      project: '{project}',
      environments: {
        staging: { postgres: { adminUrl: '${url}' } },
        production: { postgres: { adminUrl: '${url}' }, owner: 'ada' },
        dev: { postgres: {} },
      },
      access: {
        people: {
          ada: { email: 'ada@shop.dev', name: 'Ada Lovelace' },
          grace: { email: 'grace@shop.dev' },
          linus: { email: 'linus@shop.dev' },
          mary: { email: 'mary@shop.dev' },
        },
        services: { web: { role: 'app' }, migrations: { role: 'owner' } },
        approvers: ['ada', 'grace'],
        maxGrant: '8h',
      },
    }`);
    fixture.project.write(
      'db/migrations/20260301000000_shop.sql',
      'create table accounts (id bigint generated always as identity primary key, email text not null);\n',
    );
    for (const env of envs) {
      const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
      expect(attached.code, attached.stderr).toBe(0);
      const up = await cli(['migrate', 'up', '--env', env, '--confirm', env]);
      expect(up.code, up.stderr + up.stdout).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    for (const client of clients.splice(0)) await client.end().catch(() => {});
    await fixture.cluster?.stop();
    fixture.project?.remove();
  });
}

export const db = (env: ServerEnv) => `${fixture.project.name}_${env}`;
export const role = (env: ServerEnv, person: string) => `${db(env)}_p_${person}`;

/** Runs launchdb as `actor` (LAUNCHDB_ACTOR), as a person at their terminal would. */
export async function cli(args: string[], actor = 'ops@shop.dev'): Promise<CliResult> {
  process.env.LAUNCHDB_ACTOR = actor;
  try {
    return await runCli(args, { cwd: fixture.project.dir });
  } finally {
    delete process.env.LAUNCHDB_ACTOR;
  }
}

export async function superuser(
  sql: string,
  database: string,
  params: unknown[] = [],
): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: withCredentials(fixture.cluster.superuserUrl, { database }),
  });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A session held open with `url`, as a person at a psql prompt. */
export async function login(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a terminated session reports here; the test asserts on its queries
  await client.connect();
  clients.push(client);
  return client;
}

/** The URL `access grant` wrote to the person's 0600 file. */
export function secretUrl(env: string, person: string): string {
  const file = join(fixture.project.dir, '.launchdb', 'secrets', `access-${env}-${person}.env`);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('DATABASE_URL='));
  return JSON.parse(line!.slice('DATABASE_URL='.length)) as string;
}

/** The environment's audit events of access commands: action and result, oldest first. */
export async function accessEvents(env: 'staging' | 'production') {
  const { rows } = await superuser(
    `select event::jsonb as event from launchdb.audit
      where event::jsonb->>'action' like 'access %' order by seq`,
    db(env),
  );
  return rows.map(
    (row) => row.event as { action: string; result: { status: string }; details?: Record<string, unknown> },
  );
}

export async function roleRow(name: string) {
  const { rows } = await superuser(
    `select rolcanlogin, rolsuper, rolinherit, shobj_description(oid, 'pg_authid') as comment
       from pg_roles where rolname = $1`,
    'postgres',
    [name],
  );
  return rows[0] as
    | { rolcanlogin: boolean; rolsuper: boolean; rolinherit: boolean; comment: string }
    | undefined;
}

/** Live sessions of `role` on the cluster. */
export async function sessionsOf(name: string): Promise<number> {
  const { rows } = await superuser(
    'select count(*)::int as n from pg_stat_activity where usename = $1',
    'postgres',
    [name],
  );
  return rows[0].n as number;
}

/** What a refused command must leave as it was: personal roles, requests. */
export async function accessState(env: 'staging' | 'production'): Promise<string> {
  const { rows } = await superuser(
    `select (select json_agg(json_build_object(rolname, rolcanlogin) order by rolname) from pg_roles
              where starts_with(rolname, current_database() || '_p_')) as roles,
            (select json_agg(r order by id) from launchdb.access_requests r) as requests`,
    db(env),
  ).catch(async () =>
    superuser(
      `select json_agg(json_build_object(rolname, rolcanlogin) order by rolname) as roles from pg_roles
        where starts_with(rolname, current_database() || '_p_')`,
      db(env),
    ),
  );
  return JSON.stringify(rows[0]);
}
