// access.app-role-privileges and access.readonly-role-privileges on a provisioned server environment:
// migrations run as the owner, the app's and the read-only role's rights judged as Postgres resolves them.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { appRolePrivileges } from '../../src/stores/postgres/checks/app-role-privileges.js';
import { readonlyRolePrivileges } from '../../src/stores/postgres/checks/readonly-role-privileges.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { tempProject } from '../helpers/project.js';

interface Details {
  grants: string[];
}
type Report = { checks: (CheckOutcome & { id: string })[] };

const ACCESS = `{ appRole: { readOnly: ['billing.audit_log'], none: ['billing.card_tokens'] } }`;

const BILLING = `
create schema billing;
create table billing.invoices (id bigserial primary key, account text not null, total_cents bigint not null);
create table billing.payments (
  id bigint generated always as identity primary key,
  invoice_id bigint not null references billing.invoices (id)
);
create index payments_invoice_id_idx on billing.payments (invoice_id);
create table billing.audit_log (id bigint generated always as identity primary key, entry text not null);
create table billing.card_tokens (token text primary key);
`;

/** A project with environment `staging` provisioned on the shared server, its roles unique to it. */
async function provisionedProject(access?: string) {
  const project = tempProject(`{
    project: '{project}',
    environments: { staging: { postgres: {} } },
    ${access ? `access: ${access},` : ''}
  }`);
  const database = `${project.name}_staging`;
  const roles = { owner: `${database}_owner`, app: `${database}_app`, readonly: `${database}_readonly` };
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const attached = await cli(['attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL]);
  if (attached.code !== 0) throw new Error(`attach failed: ${attached.stderr}`);
  let migrations = 0;
  return {
    project,
    database,
    roles,
    cli,
    /** Writes the next migration and applies it as the owner, as a deploy does. */
    async migrate(sql: string) {
      migrations += 1;
      project.write(`db/migrations/2026030100${String(migrations).padStart(4, '0')}_step.sql`, sql);
      const up = await cli(['migrate', 'up', '--env', 'staging']);
      if (up.code !== 0) throw new Error(`migrate up failed: ${up.stderr}${up.stdout}`);
    },
    /** Runs one check with the app's session, as `launchdb check` does. */
    async run(check: typeof appRolePrivileges): Promise<CheckOutcome> {
      const loaded = await Project.load(project.dir);
      const env = loaded.environment('staging');
      const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
        connectTimeoutMs: 5_000,
        command: 'test',
      });
      try {
        return await check.run({ project: loaded, env, postgres, now: new Date() });
      } finally {
        await postgres.close();
      }
    },
    /** Runs SQL as the app, with the URL `attach` wrote. */
    async asApp(sql: string) {
      const loaded = await Project.load(project.dir);
      const env = loaded.environment('staging');
      const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
        connectTimeoutMs: 5_000,
        command: 'test',
      });
      try {
        return await (await postgres.db()).query(sql);
      } finally {
        await postgres.close();
      }
    },
    superuser: (sql: string) => adminQuery(sql, [], database),
    async remove() {
      project.remove();
      await adminQuery(`drop database if exists ${database} with (force)`);
      for (const role of Object.values(roles)) await adminQuery(`drop role if exists ${role}`);
    },
  };
}

describe.skipIf(!serverAvailable)('access.app-role-privileges on a provisioned server', () => {
  let p: Awaited<ReturnType<typeof provisionedProject>>;
  beforeAll(async () => {
    p = await provisionedProject(ACCESS);
    await p.migrate(BILLING);
  });
  afterAll(async () => p?.remove());

  it('fails naming each missing grant when a migration adds a schema and grants the app nothing', async () => {
    const { app, owner } = p.roles;
    // What the users of the app would see: the canary passes, the first real query does not.
    const report = JSON.parse(
      (await p.cli(['check', '--env', 'staging', '--only', 'provisioning,access', '--json'])).stdout,
    ) as Report;
    expect(report.checks.find((check) => check.id === 'provisioning.read-write')?.status).toBe('pass');
    await expect(p.asApp('select count(*) from billing.invoices')).rejects.toThrow(/permission denied/);

    const outcome = await p.run(appRolePrivileges);
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain(`app role "${app}"`);
    expect((outcome.details as Details).grants).toEqual([
      `grant usage on schema billing to ${app};`,
      `grant select on billing.audit_log to ${app};`,
      `grant select, insert, update, delete on billing.invoices to ${app};`,
      `grant select, insert, update, delete on billing.payments to ${app};`,
      // bigserial: inserts call nextval; an identity column's sequence needs no grant.
      `grant usage on sequence billing.invoices_id_seq to ${app};`,
      `alter default privileges for role ${owner} in schema billing grant select, insert, update, delete on tables to ${app};`,
      `alter default privileges for role ${owner} in schema billing grant usage on sequences to ${app};`,
    ]);
    for (const grant of (outcome.details as Details).grants) expect(outcome.fix).toContain(grant);
    // The table the app must not touch is nobody's missing grant.
    expect(JSON.stringify(outcome)).not.toContain('card_tokens');
  });

  it('passes once the named grants run as a migration, and the app can then use its tables', async () => {
    const before = await p.run(appRolePrivileges);
    await p.migrate((before.details as Details).grants.join('\n'));
    const after = await p.run(appRolePrivileges);
    expect(after.status, after.summary).toBe('pass');
    await p.asApp(`insert into billing.invoices (account, total_cents) values ('acme', 100)`);
    await p.asApp('insert into billing.payments (invoice_id) select id from billing.invoices');
    await expect(p.asApp(`insert into billing.audit_log (entry) values ('x')`)).rejects.toThrow(
      /permission denied/,
    );
    // The default privileges named cover the next migration's tables without a grant of its own.
    await p.migrate('create table billing.refunds (id bigserial primary key, cents bigint not null);');
    expect((await p.run(appRolePrivileges)).status).toBe('pass');
    await p.asApp('insert into billing.refunds (cents) values (5)');
  });

  it('fails when the app may write a read-only table or touch a table it must not, naming the revoke', async () => {
    const { app } = p.roles;
    await p.superuser(
      `grant insert on billing.audit_log to ${app}; grant select on billing.card_tokens to public;`,
    );
    try {
      const outcome = await p.run(appRolePrivileges);
      expect(outcome.status, outcome.summary).toBe('fail');
      expect((outcome.details as Details).grants).toEqual([
        `revoke insert on billing.audit_log from ${app};`,
        // Held through PUBLIC: revoking it from the app alone would change nothing.
        'revoke select on billing.card_tokens from public;',
      ]);
    } finally {
      await p.superuser(
        `revoke insert on billing.audit_log from ${app}; revoke select on billing.card_tokens from public;`,
      );
    }
    expect((await p.run(appRolePrivileges)).status).toBe('pass');
  });

  it('warns, naming alter default privileges, when the tables are granted but new ones would not be', async () => {
    const { app, owner } = p.roles;
    await p.migrate(`create schema reports;
      create table reports.daily (day date primary key, total bigint not null);
      grant usage on schema reports to ${app};
      grant select, insert, update, delete on reports.daily to ${app};`);
    const outcome = await p.run(appRolePrivileges);
    expect(outcome.status, outcome.summary).toBe('warn');
    expect((outcome.details as Details).grants).toEqual([
      `alter default privileges for role ${owner} in schema reports grant select, insert, update, delete on tables to ${app};`,
      `alter default privileges for role ${owner} in schema reports grant usage on sequences to ${app};`,
    ]);
    // Default privileges for every schema (no IN SCHEMA) count as well.
    await p.migrate(`alter default privileges grant select, insert, update, delete on tables to ${app};
      alter default privileges grant usage on sequences to ${app};`);
    expect((await p.run(appRolePrivileges)).status).toBe('pass');
  });

  it('counts rights held through a role the app inherits, and not through one it cannot use without SET ROLE', async () => {
    const { app } = p.roles;
    const group = uniqueName('ldb_group');
    await adminQuery(`create role ${group} nologin`);
    try {
      await p.migrate(`create table billing.disputes (id int primary key, reason text);
        revoke all on billing.disputes from ${app};
        grant select, insert, update, delete on billing.disputes to ${group};`);
      await adminQuery(`grant ${group} to ${app}`);
      // The provisioned app role is NOINHERIT: the group's rights are not its own.
      const noinherit = await p.run(appRolePrivileges);
      expect(noinherit.status).toBe('fail');
      expect((noinherit.details as Details).grants).toEqual([
        `grant select, insert, update, delete on billing.disputes to ${app};`,
      ]);
      await adminQuery(`alter role ${app} inherit`);
      expect((await p.run(appRolePrivileges)).status).toBe('pass');
    } finally {
      await adminQuery(`alter role ${app} noinherit`);
      await p.superuser(`drop table billing.disputes`);
      await adminQuery(`drop role ${group}`);
    }
  });
});

describe.skipIf(!serverAvailable)('access.appRole entries that name no table', () => {
  let p: Awaited<ReturnType<typeof provisionedProject>>;
  beforeAll(async () => {
    p = await provisionedProject(`{ appRole: { none: ['billing.card_token'] } }`);
    await p.migrate(`${BILLING}grant usage on schema billing to ${p.roles.app};
      grant select, insert, update, delete on all tables in schema billing to ${p.roles.app};
      grant usage on all sequences in schema billing to ${p.roles.app};
      alter default privileges in schema billing grant select, insert, update, delete on tables to ${p.roles.app};
      alter default privileges in schema billing grant usage on sequences to ${p.roles.app};`);
  });
  afterAll(async () => p?.remove());

  it('warn, naming the entry: a typo must not leave the table it meant unguarded', async () => {
    const outcome = await p.run(appRolePrivileges);
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain('access.appRole.none "billing.card_token" names no app table');
    expect(outcome.fix).toContain('correct the table names under access.appRole');
  });
});

describe.skipIf(!serverAvailable)('access.readonly-role-privileges on a provisioned server', () => {
  let p: Awaited<ReturnType<typeof provisionedProject>>;
  beforeAll(async () => {
    p = await provisionedProject(ACCESS);
    await p.migrate(BILLING);
  });
  afterAll(async () => p?.remove());

  it('warns naming the grants the read-only role lacks, and passes once they run', async () => {
    const { readonly, owner } = p.roles;
    const outcome = await p.run(readonlyRolePrivileges);
    expect(outcome.status, outcome.summary).toBe('warn');
    expect((outcome.details as Details).grants).toEqual([
      `grant usage on schema billing to ${readonly};`,
      `grant select on billing.audit_log to ${readonly};`,
      `grant select on billing.invoices to ${readonly};`,
      `grant select on billing.payments to ${readonly};`,
      `alter default privileges for role ${owner} in schema billing grant select on tables to ${readonly};`,
    ]);
    await p.migrate((outcome.details as Details).grants.join('\n'));
    expect((await p.run(readonlyRolePrivileges)).status).toBe('pass');
  });

  it('fails when the read-only role may write, naming the revoke', async () => {
    const { readonly } = p.roles;
    await p.superuser(`grant update on billing.invoices to ${readonly}`);
    const outcome = await p.run(readonlyRolePrivileges);
    expect(outcome.status).toBe('fail');
    expect((outcome.details as Details).grants).toEqual([
      `revoke update on billing.invoices from ${readonly};`,
    ]);
    await p.superuser(`revoke update on billing.invoices from ${readonly}`);
    expect((await p.run(readonlyRolePrivileges)).status).toBe('pass');
  });
});

describe.skipIf(!serverAvailable)('the role privilege checks where they do not apply', () => {
  it('skip a superuser app, which access.app-role-superuser fails, instead of reporting twice', async () => {
    const database = uniqueName();
    await adminQuery(`create database ${database}`);
    const project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: { url: '${serverUrlFor(database)}' } } },
    }`);
    try {
      await adminQuery('create table orders (id int primary key)', [], database);
      const report = JSON.parse(
        (await runCli(['check', '--env', 'staging', '--only', 'access', '--json'], { cwd: project.dir }))
          .stdout,
      ) as Report;
      const status = (id: string) => report.checks.find((check) => check.id === id);
      expect(status('access.app-role-superuser')?.status).toBe('fail');
      expect(status('access.app-role-privileges')).toMatchObject({
        status: 'skip',
        summary: expect.stringContaining('access.app-role-superuser'),
      });
      // No read-only URL was given: nothing to judge, said so.
      expect(status('access.readonly-role-privileges')).toMatchObject({
        status: 'skip',
        summary: expect.stringContaining('DATABASE_READONLY_URL'),
      });
    } finally {
      project.remove();
      await adminQuery(`drop database if exists ${database} with (force)`);
    }
  });
});

describe('the access config', () => {
  it('refuses an entry that is not a table, schema.table or schema.*, naming its path', async () => {
    const project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} } },
      access: { appRole: { readOnly: ['audit.log.old'], none: ['billing.'] } },
    }`);
    try {
      const result = await runCli(['check', '--env', 'development'], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'access.appRole.readOnly.0: expected `table`, `schema.table`, `schema.*` or `*`',
      );
      expect(result.stderr).toContain(
        'access.appRole.none.0: expected `table`, `schema.table`, `schema.*` or `*`',
      );
    } finally {
      project.remove();
    }
  });
});

describe('the role privilege checks on embedded Postgres', () => {
  it('skip with the reason: one superuser session, no login roles', async () => {
    const project = tempProject();
    try {
      const report = JSON.parse(
        (await runCli(['check', '--env', 'development', '--only', 'access', '--json'], { cwd: project.dir }))
          .stdout,
      ) as Report;
      for (const id of ['access.app-role-privileges', 'access.readonly-role-privileges']) {
        expect(report.checks.find((check) => check.id === id)).toMatchObject({
          status: 'skip',
          summary: expect.stringContaining('embedded: every connection is the single superuser'),
        });
      }
    } finally {
      project.remove();
    }
  });
});

describe.skipIf(!serverAvailable)('the example shop, provisioned and migrated', () => {
  let dir: string;
  let name: string;
  beforeAll(() => {
    const project = tempProject();
    dir = project.dir;
    name = project.name;
    cpSync(fileURLToPath(new URL('../../examples/shop', import.meta.url)), dir, { recursive: true });
    // A project name of its own, so its databases and roles are this test's alone.
    const config = join(dir, 'launchdb.config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace("project: 'shop'", `project: '${name}'`));
  });
  afterAll(async () => {
    await adminQuery(`drop database if exists ${name}_production with (force)`);
    for (const role of ['app', 'readonly', 'owner'])
      await adminQuery(`drop role if exists ${name}_production_${role}`);
  });

  it('passes every access check, the read-write test and the demo-data scan: no false red', async () => {
    const cli = (args: string[]) =>
      runCli([...args, '--env', 'production', '--confirm', 'production'], { cwd: dir });
    expect((await cli(['attach', 'postgres', '--admin-url', SERVER_URL])).code).toBe(0);
    const up = await cli(['migrate', 'up']);
    expect(up.code, up.stderr).toBe(0);
    expect((await cli(['seed', '--kind', 'reference'])).code).toBe(0);
    const report = JSON.parse((await cli(['check', '--json'])).stdout) as Report;
    const statuses = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect(statuses).toMatchObject({
      'provisioning.read-write': 'pass',
      'access.app-role-superuser': 'pass',
      'access.app-role-ddl': 'pass',
      'access.public-schema-create': 'pass',
      'access.app-role-privileges': 'pass',
      'access.readonly-role-privileges': 'pass',
      'seed.demo-data': 'pass',
    });
  });
});
