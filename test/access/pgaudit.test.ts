// pgAudit per person, with Debian's postgresql-15-pgaudit in shared_preload_libraries of a private
// cluster: a grant sets pgaudit.log on the person's role only, so what the person writes (and, with
// access.audit.read, reads) shows as AUDIT lines in the server log, and what the app does does not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { runCli } from '../helpers/cli.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const PGAUDIT = existsSync('/usr/lib/postgresql/15/lib/pgaudit.so');

let cluster: PrivateCluster;
let project: TempProject;
const clients: pg.Client[] = [];
const cli = (...args: string[]) => runCli(args, { cwd: project.dir });

async function login(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

/** The server log's AUDIT lines, once `marker` shows in the log (the server writes it a little later). */
async function auditLinesAfter(marker: string): Promise<string[]> {
  for (let tries = 0; tries < 50; tries++) {
    const log = readFileSync(cluster.logFile, 'utf8');
    if (log.includes(marker)) return log.split('\n').filter((line) => line.includes('AUDIT:'));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${marker} never reached the server log`);
}

describe.runIf(PGAUDIT)('pgAudit, loaded by the server', () => {
  beforeAll(async () => {
    cluster = await startPrivateCluster({ settings: { shared_preload_libraries: "'pgaudit'" } });
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: { adminUrl: '${cluster.superuserUrl}' } } },
      access: {
        people: { mary: { email: 'mary@shop.dev' } },
        services: { web: { role: 'app' } },
        audit: { read: true },
      },
    }`);
    project.write(
      'db/migrations/20260301000000_notes.sql',
      'create table notes (id bigint generated always as identity primary key, body text not null);\n',
    );
    const attached = await cli('attach', 'postgres', '--env', 'staging');
    expect(attached.code, attached.stderr).toBe(0);
    const up = await cli('migrate', 'up', '--env', 'staging');
    expect(up.code, up.stderr + up.stdout).toBe(0);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    await cluster?.stop();
    project?.remove();
  });

  it("logs the person's writes and reads, and not the app's", async () => {
    const granted = await cli(
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'mary',
      '--level',
      'write',
      '--for',
      '1h',
      '--reason',
      'audited fix',
      '--print-secrets',
    );
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(
      "pgAudit logs mary's read, write, ddl, role statements (pgaudit.log on the role; the app is not audited)",
    );
    const url = /DATABASE_URL=(\S+)/.exec(granted.stdout)![1]!;
    const role = decodeURIComponent(new URL(url).username);
    const settings = await superuserQuery(
      `select array_to_string(setconfig, ';') as settings from pg_db_role_setting
        where setrole = (select oid from pg_roles where rolname = $1)`,
      [role],
    );
    expect(settings.rows[0].settings).toContain('pgaudit.log=read, write, ddl, role');

    const app = await login(readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL!);
    await app.query(`insert into notes (body) values ('written-by-the-app')`);
    await app.query(`select * from notes where body = 'read-by-the-app'`);
    const mary = await login(url);
    await mary.query(`insert into notes (body) values ('written-by-mary')`);
    await mary.query(`select * from notes where body = 'read-by-mary'`);
    // An error the log shows whatever pgAudit does: once it is there, the lines before it are too.
    await mary.query(`select 'flush-marker'::int`).catch(() => {});

    const lines = await auditLinesAfter('flush-marker');
    expect(lines.some((line) => /WRITE,INSERT/.test(line) && line.includes('written-by-mary'))).toBe(true);
    expect(lines.some((line) => /READ,SELECT/.test(line) && line.includes('read-by-mary'))).toBe(true);
    expect(lines.filter((line) => line.includes('by-the-app'))).toEqual([]);
  });

  it('access list says pgAudit is loaded, and the report does not say it is missing', async () => {
    const result = await cli('access', 'list', '--env', 'staging', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).pgaudit).toMatchObject({ loaded: true });
    const report = await cli('check', '--env', 'staging', '--json');
    const direct = JSON.parse(report.stdout).checks.find(
      (check: { id: string }) => check.id === 'access.direct-access-count',
    );
    expect(direct.summary).toContain('mary');
    expect(direct.summary).not.toContain('pgAudit');
    expect(direct.details.pgauditLoaded).toBe(true);
  });
});

async function superuserQuery(sql: string, params: unknown[]): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: withCredentials(cluster.superuserUrl, { database: `${project.name}_staging` }),
  });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
