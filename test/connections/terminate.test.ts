// `launchdb connections terminate PID`: ends a real session of the environment's database, and only
// that: a pid of another database, of the server, or unknown is refused (exit 2), as are a guarded
// environment without confirmation and an embedded one; a role that may not signal is told so (exit 3).
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.runIf(serverAvailable)('connections terminate', () => {
  let project: TempProject;
  const clients: pg.Client[] = [];
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
  const database = (env: string) => `${project.name}_${env}`;
  /** `launchdb connections terminate PID --env ENV` and any more flags. */
  const terminate = (pid: number | string, env: string, ...flags: string[]) =>
    cli(['connections', 'terminate', String(pid), '--env', env, ...flags]);
  const CONFIRM_PRODUCTION = ['--confirm', 'production'];

  /** A session of its own as whoever `url` logs in as, left idle in an open transaction; its pid. */
  async function openSession(url: string): Promise<{ client: pg.Client; pid: number }> {
    const client = new pg.Client({ connectionString: url, application_name: 'terminate test' });
    client.on('error', () => {}); // Ended under it on purpose.
    await client.connect();
    clients.push(client);
    // The app role's idle_in_transaction_session_timeout (attach sets it) must not end it first.
    await client.query('set idle_in_transaction_session_timeout = 0');
    await client.query('begin');
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return { client, pid: rows[0]!.pid };
  }

  async function alive(pid: number): Promise<boolean> {
    const { rows } = await adminQuery('select 1 from pg_stat_activity where pid = $1', [pid]);
    return rows.length === 1;
  }

  const urls = (env: string) => readSecrets(join(project.dir, '.launchdb'), env);

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: {} },
        staging: { postgres: {} },
        production: { postgres: { adminUrl: '${SERVER_URL}' } },
      },
    }`);
    const attach = async (argv: string[]) => {
      const result = await cli(['attach', 'postgres', ...argv]);
      expect(result.code, result.stderr).toBe(0);
    };
    await attach(['--env', 'development']);
    // Staging's admin URL is given once, to attach: afterwards its owner is its most privileged role.
    await attach(['--env', 'staging', '--admin-url', SERVER_URL]);
    await attach(['--env', 'production', '--confirm', 'production']);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    if (project) {
      for (const env of ['staging', 'production']) {
        await adminQuery(`drop database if exists ${database(env)} with (force)`).catch(() => {});
        for (const kind of ['owner', 'app', 'readonly']) {
          await adminQuery(`drop role if exists ${database(env)}_${kind}`).catch(() => {});
        }
      }
      project.remove();
    }
  });

  it('ends a session of the app in the environment, as its admin, and records it in the audit trail', async () => {
    const { client, pid } = await openSession(urls('production').DATABASE_URL!);
    const result = await terminate(pid, 'production', ...CONFIRM_PRODUCTION, '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      environment: 'production',
      pid,
      role: `${database('production')}_app`,
      application: 'terminate test',
      state: 'idle in transaction',
      as: 'postgres',
      outcome: 'terminated',
    });
    expect(result.stderr).toContain(`target: project ${project.name}, environment production`);
    expect(await alive(pid)).toBe(false);
    await expect(client.query('select 1')).rejects.toThrow();

    const audit = await cli(['audit', 'list', '--env', 'production', '--json']);
    const last = JSON.parse(audit.stdout).events.at(-1);
    expect(last).toMatchObject({
      action: 'connections terminate',
      result: { status: 'ok' },
      parameters: { arguments: [String(pid)] },
      details: { pid, outcome: 'terminated' },
    });
  });

  it('refuses a guarded environment without --confirm, and the session lives on', async () => {
    const { pid } = await openSession(urls('production').DATABASE_URL!);
    const result = await terminate(pid, 'production');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to change guarded environment production without confirmation');
    expect(result.stderr).toContain('--confirm production');
    expect(await alive(pid)).toBe(true);
  });

  it('refuses a pid of another database, naming it, and leaves that session alone', async () => {
    const { pid } = await openSession(urls('staging').DATABASE_URL!);
    const result = await terminate(pid, 'production', ...CONFIRM_PRODUCTION);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `pid ${pid} is a session of database ${database('staging')} (role ${database('staging')}_app), not of environment's database ${database('production')}; nothing was changed`,
    );
    expect(await alive(pid)).toBe(true);
  });

  it('refuses an unknown pid and a process of the server', async () => {
    const unknown = await terminate(2147483646, 'staging');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      `no session with pid 2147483646 at 127.0.0.1:5432/${database('staging')}: it has ended, or it never was a Postgres session`,
    );
    const { rows } = await adminQuery("select pid from pg_stat_activity where backend_type = 'checkpointer'");
    const checkpointer = rows[0].pid as number;
    // Named by its kind to a role that may see it (the admin); to the owner, only "a background process".
    const server = await terminate(checkpointer, 'production');
    expect(server.code).toBe(2);
    expect(server.stderr).toContain(`pid ${checkpointer} is a process of the server (checkpointer)`);
    expect(await alive(checkpointer)).toBe(true);

    const notPid = await terminate('abc', 'staging');
    expect(notPid.code).toBe(2);
    expect(notPid.stderr).toContain('abc is not a pid');
  });

  it("as the owner, with no admin URL: ends the owner's own sessions, and says it may not end the app's", async () => {
    const app = await openSession(urls('staging').DATABASE_URL!);
    const refused = await terminate(app.pid, 'staging');
    expect(refused.code).toBe(3);
    const owner = `${database('staging')}_owner`;
    expect(refused.stderr).toContain(
      `role ${owner} may not terminate pid ${app.pid} (role ${database('staging')}_app) at 127.0.0.1:5432/${database('staging')}: it has neither the privileges of ${database('staging')}_app nor of pg_signal_backend`,
    );
    expect(refused.stderr).toContain(`GRANT pg_signal_backend TO "${owner}"`);
    expect(await alive(app.pid)).toBe(true);

    const own = await openSession(urls('staging').DATABASE_MIGRATION_URL!);
    const ended = await terminate(own.pid, 'staging');
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toContain(`terminated pid ${own.pid} (${owner}, terminate test)`);
    expect(await alive(own.pid)).toBe(false);
  });

  it('refuses an embedded environment: it has one session', async () => {
    const result = await terminate(4242, 'development');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'environment development is embedded (PGlite): it has one session, inside the process that opened it, so there is no other session to terminate',
    );
  });
});
