// `launchdb pool pgbouncer`: writes pgbouncer.ini and userlist.txt for an environment, sized by the capacity plan.
import { relative, resolve } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import { isLoopback, parseConnectionUrl } from '../../stores/postgres/connection-url.js';
import type { PostgresDatabase } from '../../stores/postgres/database.js';
import { openPostgres } from '../../stores/postgres/open.js';
import { planEnvironment } from '../../stores/postgres/pool-plan/environment-plan.js';
import { appRoleSecret } from '../../stores/postgres/pool-plan/pgbouncer-auth.js';
import {
  DEFAULT_PGBOUNCER_PORT,
  type PgBouncerServer,
  renderPgBouncerIni,
  renderUserlist,
  urlThroughPgBouncer,
} from '../../stores/postgres/pool-plan/pgbouncer-config.js';
import {
  defaultPgBouncerDir,
  pgbouncerFiles,
  writePgBouncerFiles,
} from '../../stores/postgres/pool-plan/pgbouncer-files.js';
import { serverTargetOf } from '../../stores/postgres/pool-plan/plan-target.js';
import { openServer } from '../../stores/postgres/server.js';
import { connectTimeoutOf, resolveAdminUrl, type ServerTarget } from '../../stores/postgres/target.js';
import { integerFlag, stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';
import { planJson, printEnvVars } from './pool-plan.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = serverTargetOf(env, 'pool pgbouncer');
  const listenPort = integerFlag(input, 'port') ?? DEFAULT_PGBOUNCER_PORT;
  if (listenPort < 1 || listenPort > 65_535) {
    throw new UsageError(`--port must be between 1 and 65535, got ${listenPort}`);
  }
  const out = stringFlag(input, 'out');
  const files = pgbouncerFiles(out ? resolve(io.cwd, out) : defaultPgBouncerDir(env));
  const server = serverOf(target);
  if (isLoopback(server.host) && server.port === listenPort) {
    throw new UsageError(
      `environment ${env.name}'s server is at ${server.host}:${server.port}, where PgBouncer would listen: it would point at itself`,
      {
        fix: 'give PgBouncer another --port, or set DATABASE_MIGRATION_URL to the direct URL of the server',
      },
    );
  }
  const timeout = connectTimeoutOf(env, connectTimeoutMs);
  const json = input.flags.json === true;

  const db = await openPostgres(target, { connectTimeoutMs: timeout, max: 1 });
  let admin: PostgresDatabase | undefined;
  try {
    const result = await planEnvironment(db, env, target, project.config.connections, 'pgbouncer');
    const { plan } = result;
    if (!plan.fits || !plan.pgbouncer) {
      if (json) io.out(`${JSON.stringify({ ...planJson(env, result), files: null }, null, 2)}\n`);
      else io.out(`${io.style('red', 'does not fit')}: ${plan.problem}; no files written.\n`);
      return 1;
    }
    const adminUrl = resolveAdminUrl(env);
    if (adminUrl) {
      admin = await openServer(adminUrl, {
        max: 1,
        connectTimeoutMs: timeout,
        applicationName: 'launchdb pool pgbouncer',
      });
    }
    const secret = await appRoleSecret(target.url, admin, env.name);
    io.secrets.add(secret.secret);
    const ini = renderPgBouncerIni({
      project: env.project,
      environment: env.name,
      database: target.database,
      server,
      listenPort,
      authFile: files.userlist,
      sizing: plan.pgbouncer,
    });
    writePgBouncerFiles(files, { ini, userlist: renderUserlist([secret]) });
    const databaseUrl = urlThroughPgBouncer(target.url, listenPort, target.database);

    if (json) {
      const { pooler, kinds, roleLimits, pgbouncer } = plan;
      io.out(
        `${JSON.stringify(
          {
            project: env.project,
            environment: env.name,
            files: { ini: files.ini, userlist: files.userlist },
            auth: secret.source,
            listen: { host: '127.0.0.1', port: listenPort },
            server: { host: server.host, port: server.port, database: server.database },
            databaseUrl: redactUrl(databaseUrl),
            pooler,
            pgbouncer,
            kinds,
            roleLimits,
            notes: result.notes,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const shown = (path: string) => (path.startsWith(env.root) ? relative(env.root, path) : path);
    io.out(`${io.style('green', 'wrote')} ${shown(files.ini)} and ${shown(files.userlist)} (mode 0600)\n`);
    io.out(
      `  ${target.database} → ${server.host}:${server.port}/${server.database}, transaction pooling on 127.0.0.1:${listenPort}\n`,
    );
    io.out(
      `  ${plan.pgbouncer.clientConnections} client connections share a server pool of ${plan.pgbouncer.serverPool} (max_client_conn ${plan.pgbouncer.maxClientConn})\n`,
    );
    io.out(
      secret.source === 'server-verifier'
        ? `  userlist.txt: ${secret.user}'s SCRAM verifier, copied from the server; no password in the files\n`
        : `  userlist.txt: ${secret.user}'s password in plain text (an admin URL that may read pg_authid puts the server's SCRAM verifier there instead)\n`,
    );
    io.out('\nstart it as the user who owns the files (PgBouncer refuses to run as root):\n');
    io.out(`  pgbouncer ${files.ini}\n`);
    io.out('\nthe app connects through it with:\n');
    io.out(`  DATABASE_URL=${databaseUrl}\n`);
    io.out('and on each instance, by process kind:\n');
    printEnvVars(plan.kinds, io);
    io.out(
      '\nmigrations keep the direct DATABASE_MIGRATION_URL: they hold session state (an advisory lock) that transaction pooling does not keep.\n',
    );
    if (project.config.connections?.pooler !== 'pgbouncer') {
      io.out(
        `then set connections.pooler: 'pgbouncer' in the config and run \`launchdb pool plan --env ${env.name} --apply\` to set the role connection limits for it.\n`,
      );
    }
    for (const note of result.notes) io.out(`${io.style('yellow', 'note:')} ${note}\n`);
    return 0;
  } finally {
    await admin?.close();
    await db.close();
  }
}

/**
 * The server PgBouncer connects to: the owner's URL, which never goes through a transaction pooler
 * (migrations need session state), else the app's; the environment's database.
 */
function serverOf(target: ServerTarget): PgBouncerServer {
  const info = parseConnectionUrl(target.migrationUrl);
  const sslrootcert = new URL(target.migrationUrl).searchParams.get('sslrootcert') ?? undefined;
  return {
    host: info.host,
    port: info.port,
    database: target.database,
    ...(info.sslmode ? { sslmode: info.sslmode } : {}),
    ...(sslrootcert ? { sslrootcert } : {}),
  };
}
