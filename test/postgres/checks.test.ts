// The first readiness checks against real databases: the same tests on embedded PGlite and the server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { runChecks } from '../../src/core/checks/run-checks.js';
import { type Environment, Project } from '../../src/core/project.js';
import { appRoleDdl } from '../../src/stores/postgres/checks/app-role-ddl.js';
import { appRolePrivileges } from '../../src/stores/postgres/checks/app-role-privileges.js';
import { appRoleSuperuser } from '../../src/stores/postgres/checks/app-role-superuser.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { postgresChecks } from '../../src/stores/postgres/checks/index.js';
import { databaseKey, isolation } from '../../src/stores/postgres/checks/isolation.js';
import { publicSchemaCreate } from '../../src/stores/postgres/checks/public-schema-create.js';
import { reachable } from '../../src/stores/postgres/checks/reachable.js';
import { readWrite } from '../../src/stores/postgres/checks/read-write.js';
import {
  END_OF_LIFE,
  majorOf,
  serverVersion,
  serverVersionVerdict,
} from '../../src/stores/postgres/checks/server-version.js';
import { tls, tlsVerdict } from '../../src/stores/postgres/checks/tls.js';
import type { PostgresDatabase, Queryable } from '../../src/stores/postgres/database.js';
import { ensureMarker } from '../../src/stores/postgres/marker.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { type PostgresTarget, resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { closedPort } from '../helpers/closed-port.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { tempProject } from '../helpers/project.js';

interface Fixture {
  project: Project;
  env: Environment;
  session: PostgresSession;
  ctx: PostgresCheckContext;
  /** A superuser connection to the same database, to arrange it: the session's own on embedded. */
  admin: PostgresDatabase;
  /** The server database's name; undefined on embedded. */
  database?: string;
  close(): Promise<void>;
}

interface ArrangeOptions {
  /** Create launchdb's schema and marker, as `attach` does. Default true. */
  attach?: boolean;
  /** The marker's environment, to simulate a database attached elsewhere. */
  markAs?: string;
  /** Server only: the app's login role (default: the server's superuser). */
  user?: string;
  /** A config body; `{url}` becomes the server database's URL. The target then comes from it. */
  config?: string;
  now?: Date;
  /** Closed by the caller (a suite's shared fixture), not after each test. */
  shared?: boolean;
}

const opened: Fixture[] = [];
const roles: string[] = [];

afterEach(async () => {
  // Databases first: a role cannot be dropped while objects in a database depend on it.
  for (const fixture of opened.splice(0)) await fixture.close();
  for (const role of roles.splice(0)) await adminQuery(`drop role if exists ${role}`);
});

async function arrange(backing: BackingName, options: ArrangeOptions = {}): Promise<Fixture> {
  const database = backing === 'server' ? uniqueName() : undefined;
  if (database) await adminQuery(`create database ${database}`);
  const url = database ? serverUrlFor(database, options.user) : undefined;
  const temp = tempProject(options.config?.replaceAll('{url}', url ?? ''));
  const project = await Project.load(temp.dir);
  const env = project.environment('development');
  const target = resolvePostgresTarget(env, url && !options.config ? { url } : {})!;
  const session = new PostgresSession(env, target, { connectTimeoutMs: 5_000, command: 'test' });
  const admin = database ? await openServer(serverUrlFor(database), { max: 1 }) : await session.connect();
  const fixture: Fixture = {
    project,
    env,
    session,
    admin,
    ...(database ? { database } : {}),
    ctx: { project, env, postgres: session, now: options.now ?? new Date() },
    async close() {
      await session.close();
      if (database) {
        await admin.close();
        await adminQuery(`drop database if exists ${database} with (force)`);
      }
      temp.remove();
    },
  };
  if (!options.shared) opened.push(fixture);
  if (options.attach ?? true) {
    await ensureMarker(admin, project.name, options.markAs ?? 'development', session.location);
  }
  return fixture;
}

/** A login role that exists until the end of the test. */
async function createRole(options = '') {
  const role = uniqueName('ldbr');
  await adminQuery(`create role ${role} ${options.includes('nologin') ? '' : 'login'} ${options}`);
  roles.push(role);
  return role;
}

/** What `attach` grants the app role on launchdb's own schema. */
async function grantAppRights(admin: Queryable, role: string, canary = 'select, insert, delete') {
  await admin.query(`grant usage on schema launchdb to ${role}`);
  await admin.query(`grant select on launchdb.environment to ${role}`);
  await admin.query(`grant ${canary} on launchdb.canary to ${role}`);
}

/** A server fixture whose session logs in as a fresh least-privilege role. */
async function arrangeAppRole(roleOptions = '') {
  const role = await createRole(roleOptions);
  const fixture = await arrange('server', { user: role });
  await grantAppRights(fixture.admin, role);
  return { fixture, role };
}

const DAY_MS = 86_400_000;
const eolOf = (major: number) => new Date(`${END_OF_LIFE[major]}T00:00:00Z`);

describe.each(BACKINGS)('readiness checks on %s', (backing) => {
  const onServer = backing === 'server';
  describe.skipIf(onServer && !serverAvailable)(`${backing} backing`, () => {
    // Tests that leave the database as they found it share one attached database: starting an
    // embedded one takes seconds. Tests that change it arrange their own.
    let shared: Fixture;
    beforeAll(async () => {
      shared = await arrange(backing, { shared: true });
    });
    afterAll(() => shared?.close());

    it('reaches the database and says where and how fast', async () => {
      const { ctx, session } = shared;
      const outcome = await reachable.run(ctx);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toMatch(
        new RegExp(`^answers at ${escapeRegExp(session.location)} in \\d+ ms$`),
      );
    });

    it('passes isolation for a database marked as this environment', async () => {
      const { ctx } = shared;
      const outcome = await isolation.run(ctx);
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toContain('marked for "development"');
    });

    it('fails isolation when the database carries no marker', async () => {
      const { ctx } = await arrange(backing, { attach: false });
      const outcome = await isolation.run(ctx);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('never attached');
      expect(outcome.fix).toBe('launchdb attach postgres --env development');
    });

    it("fails isolation when the database is marked as another environment's", async () => {
      const { ctx } = await arrange(backing, { markAs: 'staging' });
      const outcome = await isolation.run(ctx);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('marked for environment "staging"');
    });

    it('notes environments it could not resolve instead of failing on them', async () => {
      const variable = `LDB_TEST_UNSET_${process.pid}`;
      const { ctx } = await arrange(backing, {
        config: `{
          project: '{project}',
          environments: {
            development: { postgres: ${onServer ? "{ url: '{url}' }" : '{}'} },
            staging: { postgres: {} },
            production: { postgres: { url: env('${variable}') } },
          },
        }`,
      });
      const outcome = await isolation.run(ctx);
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toContain('not compared: production');
      expect(JSON.stringify(outcome.details)).toContain(variable);
    });

    it('judges the real server version against its end of life on several days', async () => {
      const { ctx } = shared;
      const db = await ctx.postgres.db();
      const { rows } = await db.query<{ num: string }>("select current_setting('server_version_num') as num");
      const major = majorOf(Number(rows[0]!.num));
      const eol = eolOf(major).getTime();
      const at = async (now: number) => (await serverVersion.run({ ...ctx, now: new Date(now) })).status;
      expect(await at(eol - 400 * DAY_MS)).toBe('pass');
      expect(await at(eol - 100 * DAY_MS)).toBe('warn');
      expect(await at(eol + DAY_MS)).toBe('fail');
      const today = await serverVersion.run(ctx);
      expect(today.summary).toContain(`Postgres ${major}`);
    });

    it(onServer ? 'passes TLS on a loopback connection' : 'skips TLS: no network', async () => {
      const { ctx } = shared;
      const outcome = await tls.run(ctx);
      if (onServer) {
        expect(outcome).toMatchObject({ status: 'pass', summary: 'loopback connection; TLS not required' });
      } else {
        expect(outcome).toEqual({ status: 'skip', summary: 'embedded: no network connection' });
      }
    });

    it('writes, reads back and deletes a canary row, leaving none', async () => {
      const { ctx, admin } = shared;
      const outcome = await readWrite.run(ctx);
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toMatch(/in \d+ ms$/);
      expect((outcome.details as { roundTripMs: number }).roundTripMs).toBeGreaterThanOrEqual(0);
      expect(await canaryRows(admin)).toBe(0);
    });

    it('fails read-write when launchdb.canary is missing', async () => {
      const { ctx, admin } = await arrange(backing);
      await admin.query('drop table launchdb.canary');
      const outcome = await readWrite.run(ctx);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('launchdb.canary does not exist');
      expect(outcome.fix).toBe('launchdb attach postgres --env development');
    });

    it('fails public-schema-create while PUBLIC may create in a schema, passes once revoked', async () => {
      const { ctx, admin } = await arrange(backing);
      const nobody = uniqueName('ldbn');
      await admin.query(`create role ${nobody}`);
      if (onServer) roles.push(nobody);
      try {
        await admin.query('create schema scratch'); // a NULL acl: the owner-only default
        const mayCreate = async () =>
          (
            await admin.query<{ ok: boolean }>(
              `select has_schema_privilege('${nobody}', 'public', 'CREATE') as ok`,
            )
          ).rows[0]!.ok;
        expect((await publicSchemaCreate.run(ctx)).status).toBe('pass');
        expect(await mayCreate()).toBe(false);

        await admin.query('grant create on schema public to public');
        const granted = await publicSchemaCreate.run(ctx);
        expect(granted.status).toBe('fail');
        expect(granted.summary).toBe('PUBLIC may create objects in schema public');
        expect(granted.fix).toBe('revoke create on schema public from public;');
        // The check agrees with what a role with no grants of its own can actually do.
        expect(await mayCreate()).toBe(true);

        await admin.query('revoke create on schema public from public');
        expect((await publicSchemaCreate.run(ctx)).status).toBe('pass');
        expect(await mayCreate()).toBe(false);
      } finally {
        if (!onServer) await admin.query(`drop role ${nobody}`);
      }
    });

    if (!onServer) {
      it('skips the app-role checks with the reason, never a false pass', async () => {
        const { ctx } = shared;
        for (const check of [appRoleSuperuser, appRoleDdl, appRolePrivileges]) {
          const outcome = await check.run(ctx);
          expect(outcome.status).toBe('skip');
          expect(outcome.summary).toContain('embedded: every connection is the single superuser');
        }
      });

      it('runs every check into a ready report', async () => {
        const { ctx, project } = shared;
        const report = await runChecks(postgresChecks, ctx, {
          project: project.name,
          environment: 'development',
        });
        expect(report.verdict, JSON.stringify(report.checks, null, 2)).toBe('ready');
        expect(Object.fromEntries(report.checks.map((check) => [check.id, check.status]))).toEqual({
          'provisioning.reachable': 'pass',
          'provisioning.isolation': 'pass',
          'provisioning.server-version': 'pass',
          'provisioning.tls': 'skip',
          'provisioning.read-write': 'pass',
          'access.app-role-superuser': 'skip',
          'access.app-role-ddl': 'skip',
          'access.app-role-privileges': 'skip',
          'access.readonly-role-privileges': 'skip',
          'access.public-schema-create': 'pass',
          // Embedded: no logins, so no one's access to judge; a data owner is for a server.
          'access.data-owner': 'skip',
          'access.unknown-roles': 'skip',
          'access.superusers': 'skip',
          'access.direct-access-count': 'skip',
          'access.expired-grants': 'skip',
          'access.personal-password-expiry': 'skip',
          // Nothing recorded in this environment's trail yet, and nothing witnessed.
          'access.audit-chain': 'skip',
          // Embedded: one session in launchdb's process, no outside to capture (drift covers the schema).
          'access.manual-changes': 'skip',
          // No migrations and no required indexes in this project: nothing to judge, said as skip.
          'schema.migrations-pending': 'skip',
          'schema.migrations-checksum': 'skip',
          'schema.drift': 'skip',
          'schema.required-indexes': 'skip',
          'schema.invalid-index': 'pass',
          'schema.fk-without-index': 'pass',
          'schema.table-without-primary-key': 'pass',
          'schema.sequence-near-overflow': 'pass',
          // No seeds log, no admin config in this project.
          'seed.reference-changed': 'skip',
          'seed.admin-documented': 'skip',
          'seed.admin-exists': 'skip',
          // Demo data is allowed in development.
          'seed.demo-data': 'skip',
          // One in-process session: no other connections to watch, no server-enforced timeouts.
          'connections.usage': 'skip',
          'connections.long-running': 'skip',
          'connections.idle-in-transaction': 'skip',
          'connections.blocked': 'skip',
          'connections.app-role-timeouts': 'skip',
          'connections.worker-separation': 'skip',
          // No connections.source in the config.
          'connections.pool-per-request': 'skip',
          // Development before its first backup: backups are judged in guarded environments.
          'backups.configured': 'skip',
          'backups.recent': 'skip',
          'backups.retention': 'skip',
          'backups.encrypted': 'skip',
          'backups.protected': 'skip',
          'backups.offsite': 'skip',
          'backups.verify': 'skip',
          'backups.drill': 'skip',
          'backups.restore-owner': 'skip',
          // No smoke spec in the project.
          'smoke.last-run': 'skip',
        });
      });
    }
  });
});

describe.skipIf(!serverAvailable)('readiness checks on server: environments and roles', () => {
  it('fails isolation when two environments resolve to the same database, naming both', async () => {
    const { ctx, database } = await arrange('server', {
      config: `{
        project: '{project}',
        environments: {
          development: { postgres: { url: '{url}' } },
          staging: { postgres: { url: '{url}'.replace('127.0.0.1', 'LOCALHOST') } },
          production: { postgres: {} },
        },
      }`,
    });
    const outcome = await isolation.run(ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('"development" and "staging"');
    expect(outcome.summary).toContain(database);
    expect(outcome.details).toMatchObject({ sharedWith: ['staging'] });
  });

  it('fails isolation, not error, when the app may not read the marker', async () => {
    const role = await createRole();
    const { ctx } = await arrange('server', { user: role }); // no grants on schema launchdb
    const outcome = await isolation.run(ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('permission denied for schema launchdb');
    expect(outcome.fix).toContain('launchdb attach postgres --env development');
  });

  it('fails read-write naming the permission the app lacks, and leaves no row', async () => {
    const role = await createRole();
    const { ctx, admin } = await arrange('server', { user: role });
    await grantAppRights(admin, role, 'select, insert'); // no delete
    const outcome = await readWrite.run(ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('cannot delete');
    expect(outcome.summary).toContain('permission denied for table canary');
    expect(await canaryRows(admin)).toBe(0);

    await admin.query(`revoke insert on launchdb.canary from ${role}`);
    const insert = await readWrite.run(ctx);
    expect(insert.status).toBe('fail');
    expect(insert.summary).toContain('cannot insert');
  });

  it('fails both role checks for a superuser app', async () => {
    const { ctx } = await arrange('server'); // the test server's superuser
    const superuser = await appRoleSuperuser.run(ctx);
    expect(superuser.status).toBe('fail');
    expect(superuser.summary).toMatch(/is a superuser/);
    expect((await appRoleDdl.run(ctx)).status).toBe('fail');
  });

  it('fails app-role-superuser for a role with BYPASSRLS', async () => {
    const { fixture, role } = await arrangeAppRole('bypassrls');
    const outcome = await appRoleSuperuser.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(`app role "${role}" has BYPASSRLS`);
  });

  it('fails app-role-superuser for a member of a role that bypasses RLS', async () => {
    const { fixture, role } = await arrangeAppRole();
    const powerful = await createRole('nologin bypassrls');
    await adminQuery(`grant ${powerful} to ${role}`);
    const outcome = await appRoleSuperuser.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`is a member of "${powerful}" (BYPASSRLS)`);
  });

  it('passes every check for a least-privilege app role', async () => {
    const { fixture, role } = await arrangeAppRole();
    const superuser = await appRoleSuperuser.run(fixture.ctx);
    expect(superuser.status, superuser.summary).toBe('pass');
    expect(superuser.summary).toContain(role);
    const ddl = await appRoleDdl.run(fixture.ctx);
    expect(ddl.status, JSON.stringify(ddl.details)).toBe('pass');
    // What provisioning sets on the app role, so connections.app-role-timeouts has them.
    await adminQuery(
      `alter role ${role} set statement_timeout = '15s'; alter role ${role} set idle_in_transaction_session_timeout = '1min'`,
    );
    // Role settings apply when a session starts: the checks must not reuse the sessions opened above.
    await fixture.ctx.postgres.close();
    // connections.usage counts the whole server's connections, and access.unknown-roles its logins
    // (this database lets PUBLIC connect), which the other suites share.
    const shared = new Set(['connections.usage', 'access.unknown-roles']);
    const report = await runChecks(
      postgresChecks.filter((check) => !shared.has(check.id)),
      { ...fixture.ctx, now: new Date('2025-06-01') },
      {
        project: fixture.project.name,
        environment: 'development',
      },
    );
    expect(report.verdict, JSON.stringify(report.checks, null, 2)).toBe('ready');
    // Every check passes, but those with nothing to judge here (no migrations, no required indexes).
    const judged = report.checks.filter((check) => check.status !== 'skip');
    expect(judged.every((check) => check.status === 'pass')).toBe(true);
    // Nothing to judge here: no seeds, admin config, app sessions, declared processes or app source.
    const nothingToJudge = new Set([
      // A URL given, not provisioned: no read-only role recorded.
      'access.readonly-role-privileges',
      // No data owner named, and the environment is not guarded.
      'access.data-owner',
      // No launchdb action recorded here, and no head witnessed.
      'access.audit-chain',
      // Connected as a least-privilege role: no event trigger, and it may not write the trail.
      'access.manual-changes',
      'connections.worker-separation',
      'connections.pool-per-request',
      'seed.reference-changed',
      'seed.admin-documented',
      'seed.admin-exists',
      'seed.demo-data',
      'backups.configured',
      'backups.recent',
      'backups.retention',
      'backups.encrypted',
      'backups.protected',
      'backups.offsite',
      'backups.verify',
      'backups.drill',
      'backups.restore-owner',
      // No smoke spec in the project.
      'smoke.last-run',
    ]);
    expect(
      report.checks
        .filter((check) => check.area !== 'schema' && !nothingToJudge.has(check.id))
        .map((check) => `${check.id}: ${check.status}`),
    ).toEqual(
      report.checks
        .filter((check) => check.area !== 'schema' && !nothingToJudge.has(check.id))
        .map((check) => `${check.id}: pass`),
    );
  });

  it('fails app-role-ddl for a role that may create in a schema', async () => {
    const { fixture, role } = await arrangeAppRole();
    await fixture.admin.query(`create schema app; grant usage, create on schema app to ${role}`);
    const outcome = await appRoleDdl.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('may create in schema (1)');
    expect((outcome.details as Details).found).toEqual(['may create in schema app']);
  });

  it('fails app-role-ddl for a NOINHERIT member of a role that may create in a schema', async () => {
    const { fixture, role } = await arrangeAppRole('noinherit');
    const migrator = await createRole('nologin');
    await fixture.admin.query(`create schema app; grant usage, create on schema app to ${migrator}`);
    await adminQuery(`grant ${migrator} to ${role}`);
    const outcome = await appRoleDdl.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect((outcome.details as Details).found).toEqual([`may create in schema app (via ${migrator})`]);
  });

  it('fails app-role-ddl for a role that may create schemas in the database', async () => {
    const { fixture, role } = await arrangeAppRole();
    await fixture.admin.query(`grant create on database ${fixture.database} to ${role}`);
    const outcome = await appRoleDdl.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect((outcome.details as Details).found).toEqual([
      `may create schemas in the database ${fixture.database}`,
    ]);
  });

  it('fails app-role-ddl for a role that owns a table, directly or through a role', async () => {
    const { fixture, role } = await arrangeAppRole();
    const owner = await createRole('nologin');
    await fixture.admin.query(
      `create table public.orders (id int); alter table public.orders owner to ${role}`,
    );
    await fixture.admin.query(
      `create table public.items (id int); alter table public.items owner to ${owner}`,
    );
    await adminQuery(`grant ${owner} to ${role}`);
    const outcome = await appRoleDdl.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    expect((outcome.details as Details).found).toEqual([
      `owns table public.items (via ${owner})`,
      'owns table public.orders',
    ]);
  });

  it('lists at most 20 objects but counts them all, on one query', async () => {
    const { fixture, role } = await arrangeAppRole();
    await fixture.admin.query(`do $$ begin for i in 1..30 loop
      execute format('create table public.t%s (id int)', i);
      execute format('alter table public.t%s owner to %I', i, '${role}');
    end loop; end $$`);
    const outcome = await appRoleDdl.run(fixture.ctx);
    expect(outcome.status).toBe('fail');
    const details = outcome.details as Details;
    expect(details.byKind['owns table']).toBe(30);
    expect(details.found).toHaveLength(20);
    expect(details.truncated).toBe(true);
  });
});

describe('readiness checks on an unreachable server', () => {
  it('fails reachable naming host and port, never the password, and skips the rest', async () => {
    const port = await closedPort();
    const temp = tempProject();
    try {
      const project = await Project.load(temp.dir);
      const env = project.environment('development');
      const url = `postgresql://app:hunter2-secret@127.0.0.1:${port}/shop_development`;
      const target = resolvePostgresTarget(env, { url })!;
      const session = new PostgresSession(env, target, { connectTimeoutMs: 3_000, command: 'test' });
      const ctx: PostgresCheckContext = { project, env, postgres: session, now: new Date() };
      const report = await runChecks(postgresChecks, ctx, {
        project: project.name,
        environment: 'development',
      });
      await session.close();
      expect(report.verdict).toBe('not ready');
      const [first, ...rest] = report.checks;
      expect(first).toMatchObject({ id: 'provisioning.reachable', status: 'fail' });
      expect(first!.summary).toContain(`127.0.0.1:${port}`);
      expect(first!.summary).toContain('connection refused');
      expect(first!.fix).toBeTruthy();
      expect(JSON.stringify(report)).not.toContain('hunter2');
      for (const check of rest) {
        expect(check.status, `${check.id}: ${check.summary}`).toBe('skip');
        // Checks with nothing to judge say so before they would need the database.
        expect(check.summary).toMatch(
          /see provisioning\.reachable|no migration files|no required indexes|no `admin` section|no seed files|not production-like|names no source folders|required in guarded environments|no smoke spec/,
        );
      }
    } finally {
      temp.remove();
    }
  });
});

describe('server-version verdicts', () => {
  const at = (num: number, day: string): CheckOutcome => serverVersionVerdict(num, new Date(day));

  it('passes a version more than a year from its end of life', () => {
    expect(at(160004, '2026-11-25')).toMatchObject({
      status: 'pass',
      summary: 'Postgres 16, supported until 2028-11-09',
    });
  });

  it('warns within a year of end of life, naming the date', () => {
    const outcome = at(150020, '2026-11-25');
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('Postgres 15 reaches its end of life on 2027-11-11 (in 351 days)');
    expect(at(170000, '2028-11-09').status).toBe('warn');
  });

  it('fails past end of life, and for majors older than the table', () => {
    expect(at(140015, '2026-11-25').status).toBe('fail');
    expect(at(130000, '2025-11-13').status).toBe('fail');
    expect(at(130000, '2025-11-12').status).toBe('warn');
    expect(at(120022, '2020-01-01')).toMatchObject({
      status: 'fail',
      summary: 'Postgres 12 is past its end of life',
    });
    expect(at(90624, '2020-01-01').summary).toBe('Postgres 9.6 is past its end of life');
  });

  it('passes a major newer than the table', () => {
    expect(at(190001, '2035-01-01').status).toBe('pass');
  });
});

describe('tls verdicts', () => {
  it('needs no TLS on loopback or a socket', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '/var/run/postgresql']) {
      expect(tlsVerdict({ host, sslmode: undefined }).status).toBe('pass');
    }
  });

  it('passes a remote host only when TLS is in use and the URL requires it', () => {
    for (const sslmode of ['require', 'verify-ca', 'verify-full']) {
      expect(tlsVerdict({ host: 'db.example.com', sslmode, encrypted: true }).status).toBe('pass');
    }
  });

  it('fails a remote host without TLS, or with TLS the URL does not insist on', () => {
    const plain = tlsVerdict({ host: 'db.example.com', sslmode: undefined, encrypted: false });
    expect(plain.status).toBe('fail');
    expect(plain.fix).toContain('sslmode=verify-full');
    expect(tlsVerdict({ host: '10.0.0.5', sslmode: 'prefer', encrypted: true }).status).toBe('fail');
    expect(tlsVerdict({ host: '10.0.0.5', sslmode: 'require', encrypted: false }).status).toBe('fail');
  });
});

describe('database identity for isolation', () => {
  const server = (host: string, port = 5432, database = 'shop'): PostgresTarget => ({
    backing: 'server',
    url: `postgresql://${host}:${port}/${database}`,
    migrationUrl: '',
    source: 'config',
    host,
    port,
    database,
  });

  it('treats the loopback names and host case as one host', () => {
    const keys = ['localhost', '127.0.0.1', '::1', 'LocalHost'].map((host) => databaseKey(server(host)));
    expect(new Set(keys).size).toBe(1);
    expect(databaseKey(server('DB.example.com'))).toBe(databaseKey(server('db.example.com')));
  });

  it('tells apart another port, database or host', () => {
    const base = databaseKey(server('db.example.com'));
    expect(databaseKey(server('db.example.com', 5433))).not.toBe(base);
    expect(databaseKey(server('db.example.com', 5432, 'shop_staging'))).not.toBe(base);
    expect(databaseKey(server('db2.example.com'))).not.toBe(base);
  });
});

interface Details {
  found: string[];
  byKind: Record<string, number>;
  truncated: boolean;
}

async function canaryRows(admin: Queryable): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from launchdb.canary');
  return rows[0]!.n;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
