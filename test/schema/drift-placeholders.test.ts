// A migration that grants to its environment's own roles, by placeholder: applied to each
// environment's roles, replayed into the shadow to the shadow's, linted, checksummed as written;
// drift stays clean on a server and an embedded shadow, and access.app-role-privileges passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Environment, Project } from '../../src/core/project.js';
import { appRolePrivileges } from '../../src/stores/postgres/checks/app-role-privileges.js';
import { readonlyRolePrivileges } from '../../src/stores/postgres/checks/readonly-role-privileges.js';
import { checksumOf } from '../../src/stores/postgres/migrate/migration-files.js';
import { withPlaceholderStandIns } from '../../src/stores/postgres/migrate/placeholders.js';
import { detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { type PostgresTarget, resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type MigrationProject, migrationProject } from '../migrate/helpers.js';

/** A schema of its own, which attach's grants (schema public only) do not reach: granted by placeholder. */
const BILLING = `create schema billing;
grant usage on schema billing to \${launchdb:app_role}, \${launchdb:readonly_role};

create table billing.invoices (
  id bigint generated always as identity primary key,
  customer text not null,
  total numeric(12, 2) not null
);
create table billing.payments (
  id bigserial primary key,
  invoice_id bigint not null references billing.invoices (id),
  amount numeric(12, 2) not null
);
create index payments_invoice_id_idx on billing.payments (invoice_id);

grant select, insert, update, delete on all tables in schema billing to \${launchdb:app_role};
grant usage, select on all sequences in schema billing to \${launchdb:app_role};
grant select on all tables in schema billing to \${launchdb:readonly_role};

-- What the next migrations create in billing is granted alike.
alter default privileges for role \${launchdb:owner_role} in schema billing
  grant select, insert, update, delete on tables to \${launchdb:app_role};
alter default privileges for role \${launchdb:owner_role} in schema billing
  grant usage, select on sequences to \${launchdb:app_role};
alter default privileges for role \${launchdb:owner_role} in schema billing
  grant select on tables to \${launchdb:readonly_role};
`;
const REFUNDS = `create table billing.refunds (id bigserial primary key, payment_id bigint not null references billing.payments (id));
create index refunds_payment_id_idx on billing.refunds (payment_id);
create table public.customers (id bigint primary key, name text not null);
`;
const FILES = {
  'db/migrations/20260301000000_billing.sql': BILLING,
  'db/migrations/20260302000000_refunds.sql': REFUNDS,
};

function writeFiles(project: TempProject): void {
  for (const [file, text] of Object.entries(FILES)) project.write(file, text);
}

async function stagingOf(project: TempProject): Promise<{ env: Environment; target: PostgresTarget }> {
  const env = (await Project.load(project.dir)).environment('staging');
  return { env, target: resolvePostgresTarget(env)! };
}

describe.skipIf(!serverAvailable)('role placeholders on an environment attach provisioned', () => {
  let project: TempProject;
  let database = '';
  let roles: { app: string; owner: string; readonly: string };

  beforeAll(async () => {
    project = tempProject(
      `{ project: '{project}', environments: { staging: { postgres: { adminUrl: '${SERVER_URL}' } } } }`,
    );
    writeFiles(project);
    const attached = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
    expect(attached.code, attached.stderr).toBe(0);
    const { target } = await stagingOf(project);
    if (target.backing !== 'server') throw new Error('expected a server target');
    database = target.database;
    roles = { app: `${database}_app`, owner: `${database}_owner`, readonly: `${database}_readonly` };
    const up = await runCli(['migrate', 'up', '--env', 'staging'], { cwd: project.dir });
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(async () => {
    project?.remove();
    if (!database) return;
    await adminQuery(`drop database if exists ${database} with (force)`);
    for (const role of Object.values(roles)) await adminQuery(`drop role if exists ${role}`);
  });

  it("grants to the environment's own roles, and records the checksum of the file as written", async () => {
    const { rows } = await adminQuery(
      `select has_schema_privilege($1, 'billing', 'USAGE') as app_usage,
              has_table_privilege($1, 'billing.refunds', 'SELECT, INSERT, UPDATE, DELETE') as app_dml,
              has_sequence_privilege($1, 'billing.refunds_id_seq', 'USAGE') as app_sequence,
              has_table_privilege($2, 'billing.refunds', 'SELECT') as readonly_select,
              has_table_privilege($2, 'billing.refunds', 'INSERT') as readonly_insert,
              (select checksum from launchdb.migrations where version = '20260301000000') as checksum`,
      [roles.app, roles.readonly],
      database,
    );
    expect(rows[0]).toEqual({
      app_usage: true,
      app_dml: true,
      app_sequence: true,
      readonly_select: true,
      readonly_insert: false,
      checksum: checksumOf(
        readFileSync(join(project.dir, 'db/migrations/20260301000000_billing.sql'), 'utf8'),
      ),
    });
  });

  it('leaves drift clean with a shadow on the server and with an embedded one', async () => {
    const { env, target } = await stagingOf(project);
    const onServer = await detectDrift(env, target);
    expect(onServer.shadow).toBe('server');
    expect(onServer.items).toEqual([]);
    const embedded = await detectDrift(env, target, { adminUrl: null });
    expect(embedded.shadow).toBe('embedded');
    expect(embedded.items).toEqual([]);
  });

  it('still reports a grant to the app role that no migration made', async () => {
    await adminQuery(`grant truncate on billing.invoices to ${roles.app}`, [], database);
    try {
      const { env, target } = await stagingOf(project);
      const result = await detectDrift(env, target);
      expect(result.items.map((item) => item.sentence)).toEqual([
        'grant TRUNCATE on table billing.invoices to app exists in staging but in no migration',
      ]);
    } finally {
      await adminQuery(`revoke truncate on billing.invoices from ${roles.app}`, [], database);
    }
  });

  it('passes access.app-role-privileges and access.readonly-role-privileges', async () => {
    const project_ = await Project.load(project.dir);
    const { env, target } = await stagingOf(project);
    const session = new PostgresSession(env, target, { connectTimeoutMs: 10_000, command: 'test' });
    const ctx = { project: project_, env, postgres: session, now: new Date() };
    try {
      const app = await appRolePrivileges.run(ctx);
      expect(app, app.summary).toMatchObject({ status: 'pass' });
      expect(app.summary).toContain('4 app table(s), and default privileges cover new ones');
      const reader = await readonlyRolePrivileges.run(ctx);
      expect(reader.status, reader.summary).toBe('pass');
    } finally {
      await session.close();
    }
  });
});

describe('role placeholders in pieces of a file', () => {
  it('are replaced wherever the pieces are cut, and known by their line', () => {
    const pieces = [
      'select 1;\ngrant select on t to ${',
      'launchdb:app_role}',
      `;\n\ngrant select on t to \${launchdb:x};\n`,
    ];
    expect(() => [...withPlaceholderStandIns(pieces, 'f.sql')]).toThrow(
      `f.sql:4: unknown placeholder \${launchdb:x}`,
    );
    expect([...withPlaceholderStandIns(pieces.slice(0, 2), 'f.sql')].join('')).toBe(
      'select 1;\ngrant select on t to "{launchdb:app_role"',
    );
  });
});

describe('role placeholders on an embedded environment', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('embedded');
    for (const [file, text] of Object.entries(FILES)) p.project.write(file, text);
  });
  afterAll(async () => p?.remove());

  it('apply (every role is the one superuser) and leave drift clean', async () => {
    const up = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(up.code, up.stderr).toBe(0);
    const drift = await p.cli(['migrate', 'drift', '--env', p.env, '--json']);
    expect(drift.code, drift.stdout).toBe(0);
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: [], shadow: 'embedded', migrations: 2 });
  });

  it('lint reads them as role names, at their own positions', async () => {
    const lint = await p.cli(['migrate', 'lint', '--json']);
    expect(lint.code, lint.stdout).toBe(0);
    expect(
      JSON.parse(lint.stdout).findings.filter((f: { rule: string }) => f.rule === 'syntax-error'),
    ).toEqual([]);
    p.migration('20260303000000', 'typo', `grant select on billing.refunds to \${launchdb:app_rol};\n`);
    try {
      for (const args of [
        ['migrate', 'lint'],
        ['migrate', 'up', '--env', p.env],
      ]) {
        const refused = await p.cli(args);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(
          `db/migrations/20260303000000_typo.sql:1: unknown placeholder \${launchdb:app_rol}`,
        );
        expect(refused.stderr).toContain(
          `\${launchdb:app_role}, \${launchdb:owner_role}, \${launchdb:readonly_role}`,
        );
      }
    } finally {
      p.clearMigrations();
      for (const [file, text] of Object.entries(FILES)) p.project.write(file, text);
    }
  });
});

describe.skipIf(!serverAvailable)('role placeholders on a server environment given by one URL', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('server');
  });
  afterAll(async () => p?.remove());

  it(`refuse \${launchdb:readonly_role}, which it has none of, before applying anything`, async () => {
    p.migration('20260301000000', 'reports', 'create table reports (id int);\n');
    p.migration(
      '20260302000000',
      'reader',
      `create table report_rows (id int);\n\ngrant select on reports to \${launchdb:readonly_role};\n`,
    );
    const up = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(
      `db/migrations/20260302000000_reader.sql:3: \${launchdb:readonly_role} names the read-only role, which environment development does not have`,
    );
    expect(up.stderr).toContain('launchdb attach postgres --env development --admin-url URL');
    expect(await p.query("select to_regclass('reports') as reports")).toEqual([{ reports: null }]);
  });
});
