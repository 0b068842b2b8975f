// Ending one session of an environment's database (Heroku's `pg:kill`): only a client session of
// that database, never another database's, a server process, or the caller's own; as the admin when
// the environment has an admin URL, else as its owner, and refused clearly when that role may not.
import { UnreachableError, UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import { openAdminDatabase } from './admin-database.js';
import type { PostgresDatabase, Queryable } from './database.js';
import { openMigrationDatabase } from './migrate/migration-database.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { requireServerTarget, resolveAdminUrl, type ServerTarget } from './target.js';

/** How long the session is waited for once told to end (pg_terminate_backend's timeout). */
export const TERMINATE_WAIT_MS = 5000;

/** The session to be ended, as it was found before anything was done. */
export interface SessionToEnd {
  pid: number;
  role: string | null;
  application: string;
  /** Null when the signalling role may not see it. */
  state: string | null;
}

export interface TerminatedSession extends SessionToEnd {
  /** `host:port/database`. */
  location: string;
  /** Who sent the signal. */
  as: string;
  /**
   * `terminated`: it ended; `gone`: it had ended on its own before the signal; `still-running`: told
   * to end, it had not within TERMINATE_WAIT_MS (it ends at its next check for interrupts).
   */
  outcome: 'terminated' | 'gone' | 'still-running';
}

export interface TerminateOptions {
  /** Names the front end (`connections terminate`) in application_name and messages. */
  command: string;
  connectTimeoutMs?: number | undefined;
  /** Called with the session found, before it is ended: a guarded environment's confirmation. */
  confirm(session: SessionToEnd, location: string): Promise<void>;
}

/** Ends session `pid` of the environment's database; throws, naming why, when it may not. */
export async function terminateSession(
  env: Environment,
  pid: number,
  options: TerminateOptions,
): Promise<TerminatedSession> {
  const target = sessionServerOf(env);
  const { db, location } = await openSignaller(env, target, options);
  try {
    const found = await findSession(db, pid, location, target.database);
    await options.confirm(found.session, location);
    // Asked again in the statement that signals: the pid must still be a session of this database.
    let ended: boolean | undefined;
    try {
      const { rows } = await db.query<{ ended: boolean }>(
        `select pg_terminate_backend(a.pid, $2) as ended from pg_stat_activity a
          where a.pid = $1 and a.datname = current_database() and a.pid <> pg_backend_pid()`,
        [pid, TERMINATE_WAIT_MS],
      );
      ended = rows[0]?.ended;
    } catch (error) {
      if ((error as { code?: string }).code === '42501') throw mayNotSignal(found, location);
      throw error;
    }
    const outcome = ended === undefined ? 'gone' : ended ? 'terminated' : 'still-running';
    return { ...found.session, location, as: found.as, outcome };
  } finally {
    await db.close();
  }
}

/** The environment's server; an embedded database has one session, launchdb's own: bad input. */
function sessionServerOf(env: Environment): ServerTarget {
  return requireServerTarget(
    env,
    () =>
      new UsageError(
        `environment ${env.name} is embedded (PGlite): it has one session, inside the process that opened it, so there is no other session to terminate`,
        { fix: 'stop the process that holds it (launchdb serve, the app) instead' },
      ),
  );
}

/** The admin's connection when the environment has an admin URL, else the owner's. */
async function openSignaller(
  env: Environment,
  target: ServerTarget,
  options: TerminateOptions,
): Promise<{ db: PostgresDatabase; location: string }> {
  const adminUrl = resolveAdminUrl(env);
  const opening = { command: options.command, connectTimeoutMs: options.connectTimeoutMs, max: 1 };
  if (adminUrl) return openAdminDatabase(env, target, adminUrl, opening);
  const { connectTimeoutMs, ...rest } = opening;
  return openMigrationDatabase(env, { ...rest, ...(connectTimeoutMs ? { connectTimeoutMs } : {}) });
}

interface Found {
  session: SessionToEnd;
  as: string;
  superuserSession: boolean;
  weAreSuperuser: boolean;
}

interface Row {
  pid: number;
  database: string | null;
  role: string | null;
  application: string | null;
  state: string | null;
  backend_type: string | null;
  own: boolean;
  superuser_session: boolean;
  signaller: string;
  we_superuser: boolean;
  /** Postgres lets a role signal the sessions of roles whose privileges it has, or with pg_signal_backend. */
  may_signal: boolean;
}

// pid, database, role and application name are shown to every role; state only to those who may see it.
const FIND_SQL = `
select a.pid, a.datname::text as database, a.usename::text as role, a.application_name as application,
  a.state, a.backend_type, a.pid = pg_backend_pid() as own, coalesce(r.rolsuper, false) as superuser_session,
  current_user::text as signaller, me.rolsuper as we_superuser,
  me.rolsuper or coalesce(pg_has_role(current_user, a.usesysid, 'USAGE'), false)
    or pg_has_role(current_user, 'pg_signal_backend', 'USAGE') as may_signal
from pg_stat_activity a
left join pg_roles r on r.oid = a.usesysid
join pg_roles me on me.rolname = current_user
where a.pid = $1`;

/** The session `pid` of `database`, or a refusal (exit 2) naming what the pid is instead. */
async function findSession(db: Queryable, pid: number, location: string, database: string): Promise<Found> {
  const { rows } = await db.query<Row>(FIND_SQL, [pid]);
  const row = rows[0];
  const unchanged = 'nothing was changed';
  const listing = `\`select pid, datname, usename, application_name, state from pg_stat_activity where datname = ${quoteLiteral(database)}\` lists its sessions`;
  if (!row) {
    throw new UsageError(
      `no session with pid ${pid} at ${location}: it has ended, or it never was a Postgres session; ${unchanged}`,
      { fix: listing },
    );
  }
  if (row.own) {
    throw new UsageError(`pid ${pid} is this command's own session; ${unchanged}`, { fix: listing });
  }
  if (row.database === null) {
    throw new UsageError(
      `pid ${pid} is a process of the server (${row.backend_type ?? 'a background process'}), not a session of database ${database}; ${unchanged}`,
      { fix: listing },
    );
  }
  if (row.database !== database) {
    throw new UsageError(
      `pid ${pid} is a session of database ${row.database}${row.role ? ` (role ${row.role})` : ''}, not of environment's database ${database}; ${unchanged}`,
      {
        fix: `\`launchdb connections terminate\` ends only sessions of the environment's own database; ${listing}`,
      },
    );
  }
  const found: Found = {
    session: { pid: row.pid, role: row.role, application: row.application ?? '', state: row.state },
    as: row.signaller,
    superuserSession: row.superuser_session,
    weAreSuperuser: row.we_superuser,
  };
  if ((row.superuser_session && !row.we_superuser) || !row.may_signal) throw mayNotSignal(found, location);
  return found;
}

/** Postgres refuses the signal: say which role lacks what, and the two ways to give it. */
function mayNotSignal(found: Found, location: string): UnreachableError {
  const { session, as } = found;
  const whose = session.role ?? 'another role';
  if (found.superuserSession && !found.weAreSuperuser) {
    return new UnreachableError(
      `role ${as} may not terminate pid ${session.pid} at ${location}: it is a session of superuser ${whose}, which only a superuser may end; nothing was changed`,
      { fix: "set DATABASE_ADMIN_URL (or the environment's postgres.adminUrl) to a superuser's URL" },
    );
  }
  return new UnreachableError(
    `role ${as} may not terminate pid ${session.pid} (role ${whose}) at ${location}: it has neither the privileges of ${whose} nor of pg_signal_backend; nothing was changed`,
    {
      fix: `GRANT pg_signal_backend TO ${quoteIdent(as)}, or set DATABASE_ADMIN_URL (or the environment's postgres.adminUrl) to a superuser's URL`,
    },
  );
}
