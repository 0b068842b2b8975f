// `launchdb pool pgbouncer`: the files it writes, and Debian's real PgBouncer started with them in front of a scram cluster.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import {
  renderPgBouncerIni,
  renderUserlist,
  urlThroughPgBouncer,
} from '../../src/stores/postgres/pool-plan/pgbouncer-config.js';
import { runCli } from '../helpers/cli.js';
import { PGBOUNCER, startPgbouncer } from '../helpers/pgbouncer.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/private-cluster.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SIZING = { serverPool: 20, clientConnections: 25, maxClientConn: 50 };

describe('the pgbouncer files', () => {
  const base = {
    project: 'shop',
    environment: 'production',
    database: 'shop_production',
    server: { host: 'db.internal', port: 5432, database: 'shop_production' },
    listenPort: 6432,
    authFile: '/srv/pgbouncer/userlist.txt',
    sizing: SIZING,
  };

  it('pool in transaction mode on the loopback with SCRAM, sized by the plan', () => {
    const ini = renderPgBouncerIni(base);
    const lines = ini.split('\n').filter((line) => line && !line.startsWith(';'));
    expect(lines).toEqual([
      '[databases]',
      'shop_production = host=db.internal port=5432 dbname=shop_production',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      'listen_port = 6432',
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      'auth_file = /srv/pgbouncer/userlist.txt',
      'pool_mode = transaction',
      'default_pool_size = 20',
      'max_db_connections = 20',
      'min_pool_size = 0',
      'reserve_pool_size = 0',
      'max_client_conn = 50',
      'query_wait_timeout = 15',
      'ignore_startup_parameters = extra_float_digits',
    ]);
  });

  it("keeps the URL's TLS mode for PgBouncer's connections to the server", () => {
    const ini = renderPgBouncerIni({
      ...base,
      server: { ...base.server, sslmode: 'verify-full', sslrootcert: '/etc/ssl/db-ca.pem' },
    });
    expect(ini).toContain('server_tls_sslmode = verify-full\nserver_tls_ca_file = /etc/ssl/db-ca.pem\n');
  });

  it('refuses a name it cannot write into the ini as is, naming it', () => {
    expect(() => renderPgBouncerIni({ ...base, server: { ...base.server, database: 'shop db' } })).toThrow(
      'the server database "shop db" cannot be written into pgbouncer.ini as is',
    );
  });

  it('quotes userlist entries the way PgBouncer reads them', () => {
    expect(renderUserlist([{ user: 'shop_app', secret: 'pa"ss' }])).toBe('"shop_app" "pa""ss"\n');
  });

  it('gives the app a URL with the same credentials, on PgBouncer, without TLS parameters', () => {
    expect(
      urlThroughPgBouncer('postgres://app:s%40cret@db.internal:5432/shop?sslmode=require', 6432, 'shop'),
    ).toBe('postgresql://app:s%40cret@127.0.0.1:6432/shop');
  });
});

describe('pool pgbouncer on a private scram cluster', () => {
  let cluster: PrivateCluster;
  let project: TempProject;
  const database = () => `${project.name}_staging`;
  const cli = (argv: string[]) => runCli(argv, { cwd: project.dir });
  const dirs: string[] = [];

  /** A folder outside the project for --out, removed after the file. */
  function outDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'launchdb-pgbouncer-'));
    dirs.push(dir);
    return dir;
  }

  async function serverVerifier(role: string): Promise<string> {
    const client = new pg.Client({ connectionString: cluster.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query('select rolpassword from pg_authid where rolname = $1', [role]);
      return rows[0].rolpassword;
    } finally {
      await client.end();
    }
  }

  /** Runs `fn` with DATABASE_ADMIN_URL set for the environment in .env.staging. */
  async function withAdminUrl<T>(fn: () => Promise<T>): Promise<T> {
    project.write('.env.staging', `DATABASE_ADMIN_URL=${cluster.superuserUrl}\n`);
    try {
      return await fn();
    } finally {
      rmSync(join(project.dir, '.env.staging'));
    }
  }

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    project = tempProject(`{
  project: '{project}',
  environments: { development: { postgres: {} }, staging: { postgres: {} } },
  connections: { processes: { web: 2, worker: 1 } },
}`);
    const attached = await cli([
      'attach',
      'postgres',
      '--env',
      'staging',
      '--admin-url',
      cluster.superuserUrl,
    ]);
    expect(attached.code).toBe(0);
  });

  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    project?.remove();
    await cluster?.stop();
  });

  it.runIf(process.env.CI === 'true')('has the pgbouncer binary under CI (.ci/run installs it)', () => {
    expect(PGBOUNCER, "pgbouncer is not installed: .ci/run must install Debian's pgbouncer").toBeDefined();
  });

  it("writes both files 0600 under .launchdb/pgbouncer/<env>/ with the app's password when no admin URL may read its verifier", async () => {
    const result = await cli(['pool', 'pgbouncer', '--env', 'staging', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const dir = join(project.dir, '.launchdb', 'pgbouncer', 'staging');
    expect(report).toMatchObject({
      environment: 'staging',
      files: { ini: join(dir, 'pgbouncer.ini'), userlist: join(dir, 'userlist.txt') },
      auth: 'password',
      listen: { host: '127.0.0.1', port: 6432 },
      server: { host: '127.0.0.1', port: cluster.port, database: database() },
      databaseUrl: `postgresql://${database()}_app:***@127.0.0.1:6432/${database()}`,
      pooler: 'pgbouncer',
      // 2 web × 10 + 1 worker × 5 client connections; 46 server connections left for the app.
      pgbouncer: { clientConnections: 25, serverPool: 20, maxClientConn: 50 },
      roleLimits: { app: 24 },
    });
    for (const file of ['pgbouncer.ini', 'userlist.txt']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    const password = decodeURIComponent(
      new URL(readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL!).password,
    );
    expect(readFileSync(join(dir, 'userlist.txt'), 'utf8')).toBe(`"${database()}_app" "${password}"\n`);
    expect(result.stdout).not.toContain(password);
    const ini = readFileSync(join(dir, 'pgbouncer.ini'), 'utf8');
    expect(ini).toContain(`${database()} = host=127.0.0.1 port=${cluster.port} dbname=${database()}\n`);
    expect(ini).toContain(`auth_file = ${join(dir, 'userlist.txt')}\n`);
    expect(ini).toContain('pool_mode = transaction\n');
    expect(ini).toContain('default_pool_size = 20\n');
    expect(ini).toContain('max_client_conn = 50\n');
    // No temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(['pgbouncer.ini', 'userlist.txt']);
  });

  it("copies the server's own SCRAM verifier when the admin URL may read pg_authid, and says how to run it", async () => {
    const dir = outDir();
    const result = await withAdminUrl(() =>
      cli(['pool', 'pgbouncer', '--env', 'staging', '--out', dir, '--port', '6499']),
    );
    expect(result.code).toBe(0);
    const role = `${database()}_app`;
    expect(readFileSync(join(dir, 'userlist.txt'), 'utf8')).toBe(
      `"${role}" "${await serverVerifier(role)}"\n`,
    );
    expect(result.stdout).toContain(
      `userlist.txt: ${role}'s SCRAM verifier, copied from the server; no password in the files`,
    );
    expect(result.stdout).toContain(`  pgbouncer ${join(dir, 'pgbouncer.ini')}\n`);
    expect(result.stdout).toContain(`  DATABASE_URL=postgresql://${role}:***@127.0.0.1:6499/${database()}\n`);
    expect(result.stdout).toMatch(
      /web\s+LAUNCHDB_PROCESS_KIND=web LAUNCHDB_POOL_MAX=10 LAUNCHDB_POOLER=pgbouncer/,
    );
    expect(result.stdout).toMatch(
      /worker\s+LAUNCHDB_PROCESS_KIND=worker LAUNCHDB_POOL_MAX=5 LAUNCHDB_POOLER=pgbouncer/,
    );
    expect(result.stdout).toContain('migrations keep the direct DATABASE_MIGRATION_URL');
    expect(result.stdout).toContain("then set connections.pooler: 'pgbouncer' in the config");
  });

  it('refuses to listen where the server itself is, which would point PgBouncer at itself', async () => {
    const result = await cli([
      'pool',
      'pgbouncer',
      '--env',
      'staging',
      '--out',
      outDir(),
      '--port',
      String(cluster.port),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('where PgBouncer would listen: it would point at itself');
  });

  describe.skipIf(!PGBOUNCER)('with a real pgbouncer', () => {
    for (const userlist of ['password', 'server-verifier'] as const) {
      it(`serves the app role in transaction mode, with the ${userlist} in userlist.txt`, async () => {
        const dir = outDir();
        const port = await freePort();
        const generate = () =>
          cli(['pool', 'pgbouncer', '--env', 'staging', '--out', dir, '--port', String(port), '--json']);
        const generated = userlist === 'server-verifier' ? await withAdminUrl(generate) : await generate();
        expect(generated.code).toBe(0);
        expect(JSON.parse(generated.stdout).auth).toBe(userlist);

        const secrets = readSecrets(join(project.dir, '.launchdb'), 'staging');
        await ownerQuery(
          secrets.DATABASE_MIGRATION_URL!,
          'create table if not exists notes (id serial primary key, body text)',
        );
        const bouncer = await startPgbouncer(dir, port);
        const clients: pg.Client[] = [];
        try {
          const url = urlThroughPgBouncer(secrets.DATABASE_URL!, port, database());
          for (let i = 0; i < 2; i++) {
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            clients.push(client);
          }
          const [first, second] = clients as [pg.Client, pg.Client];
          // A transaction of several statements runs whole on one server connection.
          await first.query('begin');
          await first.query('insert into notes (body) values ($1)', ['through pgbouncer']);
          const inside = await first.query('select count(*)::int as n from notes');
          await first.query('commit');
          await second.query('begin');
          await second.query('insert into notes (body) values ($1)', ['rolled back']);
          await second.query('rollback');
          const after = await second.query<{ n: number }>('select count(*)::int as n from notes');
          expect(after.rows[0]!.n).toBe(inside.rows[0].n);
          // Transaction pooling: two clients connected at once take turns on one server connection.
          const pids = [];
          for (const client of clients) {
            pids.push((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
          }
          expect(pids[0]).toBe(pids[1]);
          const role = await first.query<{ role: string }>('select current_user::text as role');
          expect(role.rows[0]!.role).toBe(`${database()}_app`);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n--- pgbouncer log ---\n${bouncer.log()}`, {
            cause: error,
          });
        } finally {
          for (const client of clients) await client.end().catch(() => {});
          await bouncer.stop();
        }
      });
    }
  });
});

async function ownerQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
