// `launchdb pool plan`: each process kind's pool size and the roles' connection limits; `--apply` sets the limits.
import { type ExitCode, UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { parseConnectionUrl } from '../../stores/postgres/connection-url.js';
import type { PostgresDatabase } from '../../stores/postgres/database.js';
import { refuseForeignMarker } from '../../stores/postgres/marker.js';
import { openPostgres } from '../../stores/postgres/open.js';
import { type AppliedLimit, applyRoleLimits } from '../../stores/postgres/pool-plan/apply-role-limits.js';
import type { CapacityPlan, KindPlan } from '../../stores/postgres/pool-plan/capacity-plan.js';
import { type EnvironmentPlan, planEnvironment } from '../../stores/postgres/pool-plan/environment-plan.js';
import { serverTargetOf } from '../../stores/postgres/pool-plan/plan-target.js';
import { openServer } from '../../stores/postgres/server.js';
import { connectTimeoutOf, resolveAdminUrl, type ServerTarget } from '../../stores/postgres/target.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = serverTargetOf(env, 'pool plan');
  const apply = input.flags.apply === true;
  const json = input.flags.json === true;
  const timeout = connectTimeoutOf(env, connectTimeoutMs);
  const adminUrl = apply ? requireAdminUrl(env) : undefined;
  // --apply reads the server through the admin's connection, so the plan is of the server it changes.
  // The guard follows the database: limits are not set on roles of a database marked as another
  // environment's (a URL pointing at production from an unguarded environment, say).
  if (adminUrl) await refuseOtherEnvironment(env, target, timeout);
  const db: PostgresDatabase = adminUrl
    ? await openServer(adminUrl, { max: 1, connectTimeoutMs: timeout, applicationName: 'launchdb pool plan' })
    : await openPostgres(target, { connectTimeoutMs: timeout, max: 1 });
  try {
    const result = await planEnvironment(db, env, target, project.config.connections);
    if (!adminUrl) {
      if (json) io.out(`${JSON.stringify(planJson(env, result), null, 2)}\n`);
      else printPlan(env, result, io, { applyHint: true });
      return result.plan.fits ? 0 : 1;
    }

    const where = whereOf(adminUrl);
    const absent = result.roles.filter((role) => !role.exists);
    if (absent.length > 0) {
      throw new UsageError(
        `${absent.map((role) => `role ${role.role}`).join(', ')} of environment ${env.name} not found at ${where}, where the admin URL points; nothing was changed`,
        { fix: `point the admin URL at the server of ${result.location}` },
      );
    }
    if (!json) printPlan(env, result, io, { applyHint: false });
    if (!result.plan.fits) {
      if (json) io.out(`${JSON.stringify({ ...planJson(env, result), applied: [] }, null, 2)}\n`);
      io.err('nothing applied: the plan does not fit\n');
      return 1;
    }
    let applied: AppliedLimit[] = [];
    const changing = result.roles.filter((role) => role.action === 'set');
    if (changing.length > 0) {
      await confirmChange(
        env,
        input,
        io,
        `postgres: connection limits of ${changing.map((role) => role.role).join(', ')} at ${where}`,
      );
      applied = await applyRoleLimits(db, result.roles, where);
    }
    if (json) {
      io.out(`${JSON.stringify({ ...planJson(env, result), applied }, null, 2)}\n`);
      return 0;
    }
    for (const change of applied) {
      io.out(
        `${io.style('green', 'set')} connection limit of ${change.role}: ${limitText(change.from)} → ${change.to}\n`,
      );
    }
    if (applied.length === 0) io.out('the role connection limits are already as planned; nothing changed\n');
    return 0;
  } finally {
    await db.close();
  }
}

function requireAdminUrl(env: Environment): string {
  const adminUrl = resolveAdminUrl(env);
  if (adminUrl) return adminUrl;
  throw new UsageError(
    `--apply changes role connection limits, which needs an admin URL for environment ${env.name}; nothing was changed`,
    { fix: `set DATABASE_ADMIN_URL, or environments.${env.name}.postgres.adminUrl in the config` },
  );
}

function whereOf(url: string): string {
  const { host, port } = parseConnectionUrl(url);
  return `${host}:${port}`;
}

export function planJson(env: Environment, result: EnvironmentPlan) {
  return {
    project: env.project,
    environment: env.name,
    location: result.location,
    version: result.server.version,
    ...result.plan,
    roles: result.roles,
    notes: result.notes,
  };
}

function printPlan(env: Environment, result: EnvironmentPlan, io: Io, options: { applyHint: boolean }) {
  const { plan, server } = result;
  const pooled = plan.pooler === 'pgbouncer';
  io.out(
    `${io.style('bold', 'capacity plan')} for ${env.project} ${env.name} at ${result.location}, ${pooled ? 'behind PgBouncer in transaction mode' : 'direct connections, no pooler'}\n`,
  );
  const reserved = [`${server.superuserReserved} reserved for superusers`];
  if (server.reserved > 0) reserved.push(`${server.reserved} for pg_use_reserved_connections`);
  io.out(
    `server: Postgres ${server.version}, max_connections ${server.maxConnections}, ${reserved.join(', ')}: ${plan.usable} usable\n\n`,
  );
  io.out(`${kindsTable(plan)}\n`);
  if (plan.pgbouncer) {
    io.out(
      `  PgBouncer: ${plan.pgbouncer.clientConnections} client connections share a server pool of ${plan.pgbouncer.serverPool} (default_pool_size ${plan.pgbouncer.serverPool}, max_client_conn ${plan.pgbouncer.maxClientConn})\n`,
    );
  }
  io.out(`\nserver connections (${plan.usable} usable):\n`);
  const budget: [string, number][] = [
    [pooled ? 'PgBouncer server pool' : "the app's pools", plan.appConnections],
    ["launchdb's checks", plan.headroom.checks],
    ['migrations', plan.headroom.migrations],
    ['backups', plan.headroom.backups],
    ['admins, psql', plan.headroom.admins],
    [plan.spare < 0 ? 'short by' : 'spare', Math.abs(plan.spare)],
  ];
  io.out(
    `${renderTable(
      budget.map(([what, n]) => [what, String(n)]),
      { indent: '  ', align: ['left', 'right'] },
    )}\n`,
  );

  if (plan.fits && result.roles.length > 0) {
    io.out('\nrole connection limits:\n');
    const rows = result.roles.map((role) => [
      role.role,
      limitText(role.current),
      role.action === 'skip' ? '—' : String(role.planned),
      role.action === 'skip' ? `skipped: ${role.reason}` : role.action === 'unchanged' ? 'as planned' : '',
    ]);
    io.out(
      `${renderTable(rows, { header: ['role', 'now', 'planned', ''], indent: '  ', align: ['left', 'right', 'right'] })}\n`,
    );
  }
  if (plan.fits) {
    io.out('\nset on each instance, by process kind:\n');
    printEnvVars(plan.kinds, io);
  }
  for (const note of result.notes) io.out(`\n${io.style('yellow', 'note:')} ${note}\n`);
  io.out('\n');
  if (plan.fits) {
    const planned = plan.usable - plan.spare;
    const pending = result.roles.some((role) => role.action === 'set');
    io.out(
      `${io.style('green', 'fits')}: ${planned} of ${plan.usable} usable connections planned, ${plan.spare} spare.${options.applyHint && pending ? ' Run with --apply to set the role connection limits.' : ''}\n`,
    );
    return;
  }
  io.out(`${io.style('red', 'does not fit')}: ${plan.problem}.\n`);
  const advice = plan.recommendation;
  if (advice?.fits && advice.pgbouncer) printRecommendation(env, advice, io);
}

function printRecommendation(env: Environment, advice: CapacityPlan, io: Io) {
  const sizing = advice.pgbouncer!;
  io.out(
    `\n${io.style('bold', 'recommended')}: PgBouncer in transaction mode in front of the server. The app's pools open ${sizing.clientConnections} client connections to it, which share a server pool of ${sizing.serverPool} (max_client_conn ${sizing.maxClientConn}); the app role's connection limit becomes ${advice.roleLimits.app}.\n`,
  );
  io.out(
    `  set connections.pooler: 'pgbouncer' in the config, run \`launchdb pool pgbouncer --env ${env.name}\`, then \`launchdb pool plan --env ${env.name} --apply\`\n`,
  );
  io.out('  then set on each instance, by process kind:\n');
  printEnvVars(advice.kinds, io, '    ');
}

/** `web  LAUNCHDB_PROCESS_KIND=web LAUNCHDB_POOL_MAX=10`, one line per kind. */
export function printEnvVars(kinds: readonly KindPlan[], io: Io, indent = '  ') {
  const rows = kinds.map((kind) => [
    kind.kind,
    Object.entries(kind.env)
      .map(([name, value]) => `${name}=${value}`)
      .join(' '),
  ]);
  io.out(`${renderTable(rows, { indent })}\n`);
}

function kindsTable(plan: CapacityPlan): string {
  const rows = plan.kinds.map((kind) => [
    kind.kind,
    String(kind.instances),
    String(kind.poolMax),
    String(kind.connections),
  ]);
  const header = [
    'process',
    'instances',
    'pool max',
    plan.pooler === 'pgbouncer' ? 'to PgBouncer' : 'connections',
  ];
  return renderTable(rows, { header, indent: '  ', align: ['left', 'right', 'right', 'right'] });
}

function limitText(limit: number | null): string {
  return limit === null ? 'no limit' : String(limit);
}

async function refuseOtherEnvironment(env: Environment, target: ServerTarget, timeout: number) {
  const db = await openPostgres(target, { connectTimeoutMs: timeout, max: 1 });
  try {
    await refuseForeignMarker(db, env.project, env.name, `${target.host}:${target.port}/${target.database}`);
  } finally {
    await db.close();
  }
}
