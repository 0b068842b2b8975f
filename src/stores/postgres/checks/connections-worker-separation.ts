// connections.worker-separation: background jobs connect as themselves, bounded, apart from user traffic.
import type { Check } from '../../../core/checks/check.js';
import { quoteIdent } from '../sql-quote.js';
import { CLIENT_BACKEND, counted, EMBEDDED_SESSIONS_SKIP, seesOtherSessions } from './connection-activity.js';
import type { PostgresCheckContext } from './context.js';

/*
 * The rule. A process's connections say what they are by their application_name,
 * `<project>:<kind>` (what `launchdb/pool` sets: `shop:web`, `shop:worker`), or by their role. Web
 * is user traffic; every other kind is a background kind: those declared with instances under
 * `connections.processes`, and those seen by name. For each background kind:
 * - its sessions use a role of their own with a connection limit: separated by role (pass);
 * - its sessions use a role of their own without a limit: warn, they can take every connection;
 * - its sessions share the web role but carry their own name: separated by name (pass), bounded by
 *   their pool's `max`, which `launchdb pool plan` sizes per kind;
 * - no session carries its name: not judged, unless the web role has sessions with no process
 *   name, which could be it, indistinguishable from user traffic (warn).
 * Sessions of the web role with no process name beside named ones are a warn of their own: what
 * opens them cannot be told apart or bounded. The web role is that of `<project>:web` sessions, else
 * the app's (the role these checks log in as). launchdb's own sessions are left out. With no
 * background kind declared or seen, or none of them connected now, nothing can be told: skip.
 * Only this database's sessions count: the environment's, not its neighbours' on a shared server.
 */

const SQL = `
select a.usename::text as role, a.application_name as application, r.rolconnlimit as role_limit,
  count(*)::int as count
from pg_stat_activity a left join pg_roles r on r.oid = a.usesysid
where a.datname = current_database() and ${CLIENT_BACKEND} and a.pid <> pg_backend_pid()
group by 1, 2, 3`;

interface Row {
  role: string | null;
  application: string | null;
  role_limit: number | null;
  count: number;
}

/** launchdb's own connections (`launchdb`, `launchdb migrate`…) are neither web nor background. */
const isLaunchdb = (application: string) => application === 'launchdb' || application.startsWith('launchdb ');

interface Session {
  role: string;
  application: string;
  /** The kind its application name gives, `<project>:<kind>`; undefined when it gives none. */
  kind: string | undefined;
  roleLimit: number | null;
  count: number;
}

interface KindVerdict {
  kind: string;
  status: 'separated' | 'unbounded' | 'unnamed' | 'not connected';
  how?: string;
  roles?: string[];
  sessions?: number;
}

const total = (sessions: readonly Session[]) => sessions.reduce((sum, session) => sum + session.count, 0);
const distinct = (values: readonly string[]) => [...new Set(values)];

/** One background kind judged by the rule above. */
function judgeKind(kind: string, named: Session[], webRoles: Set<string>, unnamed: number): KindVerdict {
  const own = named.filter((session) => session.kind === kind);
  if (own.length === 0) return { kind, status: unnamed > 0 ? 'unnamed' : 'not connected' };
  const found = { roles: distinct(own.map((session) => session.role)), sessions: total(own) };
  if (own.some((session) => webRoles.has(session.role))) {
    return { kind, status: 'separated', how: `by its application name ${own[0]!.application}`, ...found };
  }
  const unbounded = own.filter((session) => session.roleLimit === null || session.roleLimit < 0);
  if (unbounded.length > 0) {
    return { kind, status: 'unbounded', ...found, roles: distinct(unbounded.map((session) => session.role)) };
  }
  const limits = distinct(own.map((session) => `${session.role} (limit ${session.roleLimit})`));
  return { kind, status: 'separated', how: `by its own role ${limits.join(', ')}`, ...found };
}

export const connectionsWorkerSeparation: Check<PostgresCheckContext> = {
  id: 'connections.worker-separation',
  area: 'connections',
  title: 'Background jobs connect apart from user traffic, with their own name or role and a limit',
  severity: 'warn',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!seesOtherSessions(db)) return { status: 'skip', summary: EMBEDDED_SESSIONS_SKIP };
    const prefix = `${ctx.project.name}:`;
    const processes = ctx.project.config.connections?.processes ?? {};
    const { rows } = await db.query<Row>(SQL);
    const { rows: who } = await db.query<{ role: string }>('select current_user::text as role');
    const sessions: Session[] = rows
      .filter((row) => !isLaunchdb(row.application ?? ''))
      .map((row) => {
        const application = row.application ?? '';
        const kind = application.startsWith(prefix) ? application.slice(prefix.length) : '';
        return {
          role: row.role ?? '?',
          application,
          kind: kind || undefined,
          roleLimit: row.role_limit,
          count: row.count,
        };
      });
    const named = sessions.filter((session) => session.kind !== undefined);
    const web = named.filter((session) => session.kind === 'web');
    const webRoles = new Set(web.length > 0 ? web.map((session) => session.role) : [who[0]!.role]);
    const unnamed = sessions.filter((session) => session.kind === undefined && webRoles.has(session.role));
    const background = distinct([
      ...Object.keys(processes).filter((kind) => processes[kind]! > 0),
      ...named.map((session) => session.kind!),
    ]).filter((kind) => kind !== 'web');
    const verdicts = background.map((kind) => judgeKind(kind, named, webRoles, total(unnamed)));
    const details = {
      declared: processes,
      webRoles: [...webRoles],
      kinds: verdicts,
      unnamed: unnamed.map(({ role, application, count }) => ({ role, application, count })),
    };

    const problems: string[] = [];
    const fixes: string[] = [];
    for (const verdict of verdicts.filter((v) => v.status === 'unbounded')) {
      problems.push(`${verdict.kind} connects as ${verdict.roles!.join(', ')}, with no connection limit`);
      fixes.push(...verdict.roles!.map((role) => `ALTER ROLE ${quoteIdent(role)} CONNECTION LIMIT <n>;`));
    }
    const unnamedKinds = verdicts.filter((v) => v.status === 'unnamed').map((v) => v.kind);
    if (unnamed.length > 0 && (named.length > 0 || unnamedKinds.length > 0)) {
      const roles = distinct(unnamed.map((session) => session.role)).join(', ');
      const beside =
        named.length > 0 ? ` beside ${distinct(named.map((session) => session.application)).join(', ')}` : '';
      const which =
        unnamedKinds.length > 0
          ? `; no session is named ${unnamedKinds.map((kind) => prefix + kind).join(', ')}, so ${unnamedKinds.join(', ')} cannot be told from user traffic`
          : '';
      problems.push(
        `${counted(total(unnamed), 'session', 'sessions')} of ${roles} carry no process name${beside}${which}`,
      );
      const example = unnamedKinds[0] ?? 'worker';
      fixes.push(
        `Name each process's connections: createPool({ kind: '${example}' }) from launchdb/pool, or application_name=${prefix}<kind> in its URL.`,
      );
    }
    if (problems.length > 0) {
      return {
        status: 'warn',
        summary: problems.join('; '),
        details,
        fix: `${fixes.join(' ')} Size each background kind's pool or role limit (launchdb pool plan --apply) so it cannot take every connection from user traffic.`,
      };
    }

    const separated = verdicts.filter((verdict) => verdict.status === 'separated');
    if (separated.length > 0) {
      const notConnected = verdicts.filter((v) => v.status === 'not connected').map((v) => v.kind);
      const rest = notConnected.length > 0 ? `; not connected now: ${notConnected.join(', ')}` : '';
      return {
        status: 'pass',
        summary: `${separated.map((verdict) => `${verdict.kind} connects ${verdict.how}`).join('; ')}${rest}`,
        details,
      };
    }
    return {
      status: 'skip',
      summary:
        background.length === 0
          ? `no background process kinds: none declared under connections.processes and no session named ${prefix}<kind>`
          : `no session of ${background.join(', ')} is connected now, so their separation cannot be told; run the check while they run`,
      details,
    };
  },
};
