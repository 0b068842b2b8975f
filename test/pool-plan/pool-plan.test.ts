// `launchdb pool plan` against real servers: reading the limits, the plan printed, and --apply on a private scram cluster.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { withCredentials } from '../../src/stores/postgres/connection-url.js';
import { readRoleLimits, readServerLimits } from '../../src/stores/postgres/pool-plan/server-limits.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { runCli } from '../helpers/cli.js';
import { SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('pool commands on an embedded environment', () => {
  // One in-process session: no roles, no connection slots to share, nothing to plan.
  it('refuse it with the reason, each of them', async () => {
    const project = tempProject();
    try {
      for (const argv of [
        ['pool', 'plan'],
        ['pool', 'plan', '--apply'],
        ['pool', 'pgbouncer'],
      ]) {
        const result = await runCli([...argv, '--env', 'development'], { cwd: project.dir });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          'environment development is embedded (PGlite, one in-process session)',
        );
        expect(result.stderr).toContain('fix: run it for an environment on a server');
      }
    } finally {
      project.remove();
    }
  });
});

describe.skipIf(!serverAvailable)("reading the machine's server", () => {
  it("reads the server's slots and the roles' limits with any role's rights", async () => {
    const db = await openServer(SERVER_URL, { max: 1 });
    try {
      const limits = await readServerLimits(db);
      const { rows } = await db.query<{ max: number; reserved: number }>(
        `select current_setting('max_connections')::int as max,
                current_setting('superuser_reserved_connections')::int as reserved`,
      );
      expect(limits.maxConnections).toBe(rows[0]!.max);
      expect(limits.superuserReserved).toBe(rows[0]!.reserved);
      // Postgres 15 has no reserved_connections: 0, not an error.
      expect(limits.reserved).toBe(0);
      expect(limits.version).toMatch(/^\d+/);
      expect(await readRoleLimits(db, ['postgres', 'ldb_no_such_role'])).toEqual([
        { role: 'postgres', exists: true, connectionLimit: null, superuser: true },
        { role: 'ldb_no_such_role', exists: false, connectionLimit: null, superuser: false },
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('pool plan on a private scram cluster', () => {
  let cluster: PrivateCluster;
  let project: TempProject;
  const processes = '{ web: 3, worker: 2, cron: 1 }';

  /** The three roles' connection limits as the server has them; null for none. */
  async function limitsOf(environment: string): Promise<Record<string, number | null>> {
    const database = `${project.name}_${environment}`;
    const client = new pg.Client({ connectionString: cluster.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ role: string; limit: number }>(
        'select rolname::text as role, rolconnlimit as limit from pg_roles where rolname like $1 order by 1',
        [`${database}\\_%`],
      );
      return Object.fromEntries(
        rows.map((row) => [row.role.slice(database.length + 1), row.limit < 0 ? null : row.limit]),
      );
    } finally {
      await client.end();
    }
  }

  /** A second config file in the same folder (same secrets), with other connections settings. */
  function writeConfig(file: string, environments: string, connections: string) {
    project.write(
      file,
      `export default { project: '${project.name}', environments: ${environments}, connections: ${connections} };\n`,
    );
  }

  const cli = (argv: string[], answers?: string[]) =>
    runCli(argv, { cwd: project.dir, ...(answers ? { answers } : {}) });

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const admin = JSON.stringify(cluster.superuserUrl);
    project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {} },
    staging: { postgres: { adminUrl: ${admin} } },
    production: { postgres: { adminUrl: ${admin} } },
  },
  connections: { processes: ${processes} },
}`);
    expect((await cli(['attach', 'postgres', '--env', 'staging'])).code).toBe(0);
    expect((await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
  });

  afterAll(async () => {
    project?.remove();
    await cluster?.stop();
  });

  it("plans from the server's max_connections and the declared processes, as JSON", async () => {
    const result = await cli(['pool', 'plan', '--env', 'staging', '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    // The private cluster has max_connections 60, 3 of them for superusers: 57 usable, 46 for the app.
    expect(plan).toMatchObject({
      project: project.name,
      environment: 'staging',
      location: `127.0.0.1:${cluster.port}/${project.name}_staging`,
      pooler: 'none',
      maxConnections: 60,
      superuserReserved: 3,
      reserved: 0,
      usable: 57,
      appBudget: 46,
      appConnections: 45,
      spare: 1,
      fits: true,
      roleLimits: { app: 49, owner: 4, readonly: 3 },
    });
    expect(plan.kinds.map((kind: { kind: string; poolMax: number }) => [kind.kind, kind.poolMax])).toEqual([
      ['web', 10],
      ['worker', 5],
      ['cron', 5],
    ]);
    const database = `${project.name}_staging`;
    expect(plan.roles).toEqual([
      {
        kind: 'app',
        role: `${database}_app`,
        exists: true,
        superuser: false,
        current: 20,
        planned: 49,
        action: 'set',
      },
      {
        kind: 'owner',
        role: `${database}_owner`,
        exists: true,
        superuser: false,
        current: null,
        planned: 4,
        action: 'set',
      },
      {
        kind: 'readonly',
        role: `${database}_readonly`,
        exists: true,
        superuser: false,
        current: null,
        planned: 3,
        action: 'set',
      },
    ]);
    // attach provisioned the app role with the config's limit (default 20): the plan says to align it.
    expect(plan.notes).toEqual([
      `attach expects connection limit 20 for ${database}_app; set environments.staging.postgres.appRole.connectionLimit to 49 so a later attach agrees with this plan`,
    ]);
    expect(result.stdout).not.toContain(new URL(cluster.superuserUrl).password);
  });

  it('prints the plan as tables, then the env vars to set per process kind', async () => {
    const result = await cli(['pool', 'plan', '--env', 'staging']);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(
      `capacity plan for ${project.name} staging at 127.0.0.1:${cluster.port}/${project.name}_staging, direct connections, no pooler`,
    );
    expect(out).toContain('max_connections 60, 3 reserved for superusers: 57 usable');
    expect(out).toMatch(/process\s+instances\s+pool max\s+connections/);
    expect(out).toMatch(/web\s+3\s+10\s+30/);
    expect(out).toMatch(/worker\s+2\s+5\s+10/);
    expect(out).toMatch(/the app's pools\s+45/);
    expect(out).toMatch(/launchdb's checks\s+4/);
    expect(out).toMatch(/admins, psql\s+3/);
    expect(out).toMatch(new RegExp(`${project.name}_staging_app\\s+20\\s+49`));
    expect(out).toMatch(new RegExp(`${project.name}_staging_owner\\s+no limit\\s+4`));
    expect(out).toMatch(/web\s+LAUNCHDB_PROCESS_KIND=web LAUNCHDB_POOL_MAX=10\n/);
    expect(out).toMatch(/worker\s+LAUNCHDB_PROCESS_KIND=worker LAUNCHDB_POOL_MAX=5\n/);
    expect(out).toContain('fits: 56 of 57 usable connections planned, 1 spare. Run with --apply');
    // The env vars come after the plan.
    expect(out.indexOf('LAUNCHDB_POOL_MAX')).toBeGreaterThan(out.indexOf('server connections'));
  });

  it("--apply sets the three roles' connection limits with the admin URL, then finds nothing to change", async () => {
    expect(await limitsOf('staging')).toEqual({ app: 20, owner: null, readonly: null });
    const applied = await cli(['pool', 'plan', '--env', 'staging', '--apply', '--json']);
    expect(applied.code).toBe(0);
    const database = `${project.name}_staging`;
    expect(JSON.parse(applied.stdout).applied).toEqual([
      { role: `${database}_app`, from: 20, to: 49 },
      { role: `${database}_owner`, from: null, to: 4 },
      { role: `${database}_readonly`, from: null, to: 3 },
    ]);
    expect(await limitsOf('staging')).toEqual({ app: 49, owner: 4, readonly: 3 });

    const again = await cli(['pool', 'plan', '--env', 'staging', '--apply']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('the role connection limits are already as planned; nothing changed');
    expect(again.stderr).not.toContain('target:');
  });

  it('refuses to change a guarded environment without confirmation, and applies with --confirm', async () => {
    const refused = await cli(['pool', 'plan', '--env', 'production', '--apply']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `target: project ${project.name}, environment production, postgres: connection limits of`,
    );
    expect(refused.stderr).toContain(
      'refusing to change guarded environment production without confirmation',
    );
    expect(await limitsOf('production')).toEqual({ app: 20, owner: null, readonly: null });

    const typedWrong = await cli(['pool', 'plan', '--env', 'production', '--apply'], ['staging']);
    expect(typedWrong.code).toBe(2);
    expect(await limitsOf('production')).toEqual({ app: 20, owner: null, readonly: null });

    const confirmed = await cli([
      'pool',
      'plan',
      '--env',
      'production',
      '--apply',
      '--confirm',
      'production',
    ]);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(`set connection limit of ${project.name}_production_app: 20 → 49`);
    expect(await limitsOf('production')).toEqual({ app: 49, owner: 4, readonly: 3 });
  });

  it('--apply without an admin URL is bad input, and changes nothing', async () => {
    writeConfig('no-admin.config.ts', `{ staging: { postgres: {} } }`, `{ processes: { web: 1 } }`);
    const result = await cli([
      'pool',
      'plan',
      '--config',
      'no-admin.config.ts',
      '--env',
      'staging',
      '--apply',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--apply changes role connection limits, which needs an admin URL for environment staging',
    );
    expect(result.stderr).toContain('fix: set DATABASE_ADMIN_URL');
    expect(await limitsOf('staging')).toEqual({ app: 49, owner: 4, readonly: 3 });
  });

  it('exits 1 when the processes cannot fit, recommends PgBouncer with its numbers, and applies nothing', async () => {
    const admin = JSON.stringify(cluster.superuserUrl);
    writeConfig(
      'crowded.config.ts',
      `{ staging: { postgres: { adminUrl: ${admin} } } }`,
      `{ processes: { web: 30 } }`,
    );
    const result = await cli(['pool', 'plan', '--config', 'crowded.config.ts', '--env', 'staging']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "does not fit: the app's 30 process instances need at least 60 connections (2 each), but 46 are left for them",
    );
    expect(result.stdout).toMatch(/short by\s+14/);
    expect(result.stdout).toContain(
      "recommended: PgBouncer in transaction mode in front of the server. The app's pools open 300 client connections to it, which share a server pool of 20 (max_client_conn 600)",
    );
    expect(result.stdout).toContain(
      'web  LAUNCHDB_PROCESS_KIND=web LAUNCHDB_POOL_MAX=10 LAUNCHDB_POOLER=pgbouncer',
    );

    const applied = await cli([
      'pool',
      'plan',
      '--config',
      'crowded.config.ts',
      '--env',
      'staging',
      '--apply',
      '--json',
    ]);
    expect(applied.code).toBe(1);
    expect(JSON.parse(applied.stdout)).toMatchObject({ fits: false, applied: [] });
    expect(applied.stderr).toContain('nothing applied: the plan does not fit');
    expect(await limitsOf('staging')).toEqual({ app: 49, owner: 4, readonly: 3 });
  });

  it('plans PgBouncer sizes when the config says one is in front', async () => {
    writeConfig(
      'pooled.config.ts',
      `{ staging: { postgres: {} } }`,
      `{ processes: { web: 3, worker: 2 }, pooler: 'pgbouncer' }`,
    );
    const result = await cli(['pool', 'plan', '--config', 'pooled.config.ts', '--env', 'staging', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      pooler: 'pgbouncer',
      pgbouncer: { clientConnections: 40, serverPool: 20, maxClientConn: 80 },
      roleLimits: { app: 24 },
      fits: true,
    });
    const text = await cli(['pool', 'plan', '--config', 'pooled.config.ts', '--env', 'staging']);
    expect(text.stdout).toContain('behind PgBouncer in transaction mode');
    expect(text.stdout).toMatch(/process\s+instances\s+pool max\s+to PgBouncer/);
    expect(text.stdout).toMatch(/PgBouncer server pool\s+20/);
  });

  it("notes PgBouncer's open-files limit when max_client_conn goes past what the usual 1024 allow", async () => {
    writeConfig(
      'swarm.config.ts',
      `{ staging: { postgres: {} } }`,
      `{ processes: { web: 60 }, pooler: 'pgbouncer' }`,
    );
    const result = await cli(['pool', 'plan', '--config', 'swarm.config.ts', '--env', 'staging', '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.pgbouncer).toEqual({ clientConnections: 600, serverPool: 20, maxClientConn: 1200 });
    expect(plan.notes).toContain(
      "PgBouncer's max_client_conn 1200 needs an open-files limit above 1220, one per client and server connection (ulimit -n, or LimitNOFILE in its service)",
    );
  });

  it('--apply with an admin that may not alter the roles is exit 3, and changes nothing', async () => {
    const weak = withCredentials(cluster.superuserUrl, { user: 'ldb_weak_admin', password: 'weak-admin-pw' });
    const client = new pg.Client({ connectionString: cluster.superuserUrl });
    await client.connect();
    await client.query(`create role ldb_weak_admin login password 'weak-admin-pw'`);
    await client.end();
    writeConfig(
      'weak.config.ts',
      `{ staging: { postgres: { adminUrl: ${JSON.stringify(weak)} } } }`,
      `{ processes: { web: 1 } }`,
    );
    const result = await cli(['pool', 'plan', '--config', 'weak.config.ts', '--env', 'staging', '--apply']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `the admin user may not change connection limits at 127.0.0.1:${cluster.port}`,
    );
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).not.toContain('weak-admin-pw');
    expect(await limitsOf('staging')).toEqual({ app: 49, owner: 4, readonly: 3 });
  });

  it('skips a superuser app role, which no connection limit binds, and says why', async () => {
    writeConfig(
      'superuser.config.ts',
      `{ staging: { postgres: { url: ${JSON.stringify(withCredentials(cluster.superuserUrl, {}))} } } }`,
      '{}',
    );
    const result = await cli([
      'pool',
      'plan',
      '--config',
      'superuser.config.ts',
      '--env',
      'staging',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.roles).toEqual([
      expect.objectContaining({ role: 'postgres', superuser: true, action: 'skip' }),
    ]);
    expect(plan.notes[0]).toContain('the app logs in as postgres, a superuser: no connection limit binds it');
  });

  it('reaches the app with the secrets file attach wrote, never printing a password', async () => {
    const secrets = readSecrets(`${project.dir}/.launchdb`, 'staging');
    const password = decodeURIComponent(new URL(secrets.DATABASE_URL!).password);
    const result = await cli(['pool', 'plan', '--env', 'staging']);
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);
  });
});
