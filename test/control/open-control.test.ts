// The control database opens, migrates itself once, refuses a newer schema, and names an unreachable server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateControl } from '../../src/control/migrate-control.js';
import { CONTROL_MIGRATIONS } from '../../src/control/migrations/index.js';
import { openControlDatabase } from '../../src/control/open-control.js';
import { ExitCode, type LaunchdbError } from '../../src/core/errors.js';
import { Project } from '../../src/core/project.js';
import { describeUrl } from '../../src/stores/postgres/connection-url.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { closedPort } from '../helpers/closed-port.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const VERSIONS = CONTROL_MIGRATIONS.map((migration) => migration.version);
const TABLES = [
  'audit_heads',
  'check_runs',
  'console_account_log',
  'console_accounts',
  'console_action_lines',
  'console_actions',
  'console_login_failures',
  'console_sessions',
  'job_runs',
  'migrations',
  'schedulers',
];

/** A project whose control database is embedded, or a fresh database of its own on the server. */
async function controlProject(
  backing: BackingName,
): Promise<{ project: Project; url?: string; drop(): Promise<void> }> {
  let temp: TempProject;
  if (backing === 'embedded') {
    temp = tempProject();
    return { project: await Project.load(temp.dir), drop: async () => temp.remove() };
  }
  const name = uniqueName('ldbc');
  await adminQuery(`create database ${name}`);
  const url = serverUrlFor(name);
  temp = tempProject(
    `{ project: '{project}', environments: { development: { postgres: {} } }, control: { url: '${url}' } }`,
  );
  return {
    project: await Project.load(temp.dir),
    url,
    drop: async () => {
      temp.remove();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

for (const backing of BACKINGS) {
  describe.skipIf(backing === 'server' && !serverAvailable)(`the control database, ${backing}`, () => {
    let setup: Awaited<ReturnType<typeof controlProject>>;
    beforeAll(async () => {
      setup = await controlProject(backing);
    });
    afterAll(async () => setup?.drop());

    it('is created and migrated on first open, in schema launchdb_control', async () => {
      const control = await openControlDatabase(setup.project);
      try {
        expect(control.backing).toBe(backing);
        expect(control.location).toBe(
          backing === 'embedded' ? '.launchdb/control/postgres' : describeUrl(setup.url!),
        );
        const { rows: tables } = await control.db.query<{ name: string }>(
          `select table_name as name from information_schema.tables where table_schema = 'launchdb_control' order by 1`,
        );
        expect(tables.map((row) => row.name)).toEqual(TABLES);
        const { rows: history } = await control.db.query<{ version: string; name: string }>(
          'select version, name from launchdb_control.migrations order by version',
        );
        expect(history).toEqual(CONTROL_MIGRATIONS.map(({ version, name }) => ({ version, name })));
        // Every table is project-scoped: one team server may serve several projects (an action's
        // lines through their action, which they cannot outlive).
        const { rows: scoped } = await control.db.query<{ name: string }>(
          `select table_name as name from information_schema.columns
            where table_schema = 'launchdb_control' and column_name = 'project' order by 1`,
        );
        expect(scoped.map((row) => row.name)).toEqual(
          TABLES.filter((table) => table !== 'migrations' && table !== 'console_action_lines'),
        );
      } finally {
        await control.close();
      }
    });

    it('does nothing on a second open', async () => {
      const control = await openControlDatabase(setup.project);
      try {
        const before = await control.db.query('select * from launchdb_control.migrations order by version');
        const again = await migrateControl(control.db, { location: control.location });
        expect(again).toEqual({ results: [], applied: 0, schemaVersion: VERSIONS.at(-1) });
        const after = await control.db.query('select * from launchdb_control.migrations order by version');
        expect(after.rows).toEqual(before.rows);
      } finally {
        await control.close();
      }
    });

    it('accepts the rows the later work writes', async () => {
      const control = await openControlDatabase(setup.project);
      try {
        const claim = `insert into launchdb_control.job_runs (project, job, environment, slot, claimed_by, lease_until)
                       values ('shop', 'backup', 'production', '2026-01-01T03:00:00Z', 'host-a', now() + interval '1 minute')
                       on conflict do nothing returning id`;
        expect((await control.db.query(claim)).rows).toHaveLength(1);
        // Exactly once per slot: a second claimer gets nothing.
        expect((await control.db.query(claim)).rows).toHaveLength(0);
        await control.db.query(
          `insert into launchdb_control.check_runs (project, environment, verdict, started_at, duration_ms, launchdb_version, actor, checks)
           values ('shop', 'production', 'ready', now(), 120, '1.0.0', 'ci', $1::jsonb)`,
          [
            JSON.stringify([
              {
                id: 'schema.migrations-pending',
                area: 'schema',
                status: 'pass',
                durationMs: 3,
                summary: 'none',
              },
            ]),
          ],
        );
        await expect(
          control.db.query(
            `insert into launchdb_control.check_runs (project, environment, verdict, started_at, duration_ms, launchdb_version, actor)
             values ('shop', 'production', 'maybe', now(), 1, '1.0.0', 'ci')`,
          ),
        ).rejects.toThrow(/check_runs_verdict_check/);
      } finally {
        await control.close();
      }
    });

    it('refuses a history with a version this launchdb does not know (exit 2), naming both and the upgrade', async () => {
      const control = await openControlDatabase(setup.project);
      await control.db.query(
        `insert into launchdb_control.migrations (version, name, checksum, launchdb_version)
         values ('9999', 'from-the-future', 'x', '99.0.0')`,
      );
      await control.close();
      const error = (await openControlDatabase(setup.project).catch(
        (caught: unknown) => caught,
      )) as LaunchdbError;
      expect(error.exitCode).toBe(ExitCode.badInput);
      expect(error.message).toContain(
        'has schema version 9999 (from-the-future, applied by launchdb 99.0.0)',
      );
      expect(error.message).toContain(`knows versions up to ${VERSIONS.at(-1)}`);
      expect(error.fix).toContain('upgrade launchdb to 99.0.0 or later');
      // The refused open let go of the database (embedded: its lock), so it opens once the row is gone.
      await withoutMigrations(setup, `delete from launchdb_control.migrations where version = '9999'`);
      await (await openControlDatabase(setup.project)).close();
    });

    it('refuses a shipped migration recorded with another checksum', async () => {
      await withoutMigrations(
        setup,
        `update launchdb_control.migrations set checksum = 'edited' where version = '0001'`,
      );
      const error = (await openControlDatabase(setup.project).catch(
        (caught: unknown) => caught,
      )) as LaunchdbError;
      expect(error.exitCode).toBe(ExitCode.badInput);
      expect(error.message).toContain('recorded its migration 0001 (check-runs) with another checksum');
    });
  });
}

/** Runs `sql` on the control database without migrating it first (as a refused open would not). */
async function withoutMigrations(setup: { project: Project; url?: string }, sql: string): Promise<void> {
  if (setup.url) {
    await adminQuery(sql, [], new URL(setup.url).pathname.slice(1));
    return;
  }
  const { openEmbedded } = await import('../../src/stores/postgres/embedded.js');
  const db = await openEmbedded(`${setup.project.stateDir}/control/postgres`);
  try {
    await db.query(sql);
  } finally {
    await db.close();
  }
}

describe.skipIf(!serverAvailable)('two first opens at once', () => {
  const name = uniqueName('ldbc');
  beforeAll(() => adminQuery(`create database ${name}`));
  afterAll(() => adminQuery(`drop database if exists ${name} with (force)`));

  it('apply each migration once: one applies it, the other finds it applied under the lock', async () => {
    const url = serverUrlFor(name);
    const openers = await Promise.all([openServer(url, { max: 1 }), openServer(url, { max: 1 })]);
    try {
      const runs = await Promise.all(openers.map((db) => migrateControl(db, { location: name })));
      for (const version of VERSIONS) {
        const statuses = runs.map((run) => run.results.find((result) => result.version === version)?.status);
        expect(
          statuses.filter((status) => status === 'applied'),
          `version ${version}`,
        ).toHaveLength(1);
      }
      const { rows } = await openers[0]!.query<{ version: string }>(
        'select version from launchdb_control.migrations order by version',
      );
      expect(rows.map((row) => row.version)).toEqual(VERSIONS);
    } finally {
      await Promise.all(openers.map((db) => db.close()));
    }
  });
});

describe('a control URL that cannot be reached', () => {
  it('is exit 3 naming control.url, the host and the port, never the password', async () => {
    const port = await closedPort();
    const temp = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} } }, control: { url: 'postgres://team:s3cret-pw@127.0.0.1:${port}/control' } }`,
    );
    try {
      const error = (await openControlDatabase(await Project.load(temp.dir), {
        connectTimeoutMs: 2000,
      }).catch((caught: unknown) => caught)) as LaunchdbError;
      expect(error.exitCode).toBe(ExitCode.unreachable);
      expect(error.message).toContain(
        `control database (control.url): cannot reach Postgres at 127.0.0.1:${port}`,
      );
      expect(`${error.message} ${error.fix}`).not.toContain('s3cret-pw');
    } finally {
      temp.remove();
    }
  });
});
