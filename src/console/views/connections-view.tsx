// The Connections tab: usage against the app's ceiling as a gauge (inline SVG: no script, nothing
// the CSP refuses), the sessions worth a look with the command that ends each, who blocks whom, what
// the reading role cannot see, and the pool plan.
import {
  formatDuration,
  nameSession,
  type SessionDetail,
} from '../../stores/postgres/checks/connection-activity.js';
import type { ConnectionThresholds } from '../../stores/postgres/checks/connection-thresholds.js';
import type {
  BlockedSession,
  BlockedSessions,
  BlockingSession,
} from '../../stores/postgres/checks/connections-blocked.js';
import type { ConnectionUsage } from '../../stores/postgres/checks/connections-usage.js';
import type { EnvironmentPlan } from '../../stores/postgres/pool-plan/environment-plan.js';
import type { SignedIn } from '../console-context.js';
import type { ConnectionsTab, ServerConnections } from '../routes/connections.js';
import { ActionForm } from './action-form.js';
import { EnvironmentPage, type EnvironmentTabProps } from './environment-page.js';

export function ConnectionsView(props: EnvironmentTabProps & { tab: ConnectionsTab }) {
  const { env, tab } = props;
  return (
    <EnvironmentPage project={props.project} session={props.session} env={env} tab="connections">
      {!tab.ok ? (
        <p class="problem">{tab.reason}</p>
      ) : tab.value.backing === 'embedded' ? (
        <p class="meta" id="embedded">
          {`${env.name} is embedded (PGlite, at ${tab.where}): it has one session, inside the process that opened it, so there are no other connections to count, watch or terminate, and no pool to plan. This tab applies to an environment on a server.`}
        </p>
      ) : (
        <Server where={tab.where} server={tab.value} session={props.session} env={env.name} />
      )}
    </EnvironmentPage>
  );
}

interface Ctx {
  env: string;
  session: SignedIn;
  as: string;
}

function Server(props: { where: string; server: ServerConnections; session: SignedIn; env: string }) {
  const { server } = props;
  const ctx: Ctx = { env: props.env, session: props.session, as: server.as };
  const { thresholds } = server;
  return (
    <>
      <p class="meta">
        Read from {props.where} as {server.as}, now; thresholds from the config's <code>connections</code>{' '}
        keys, as <code class="command">{`launchdb check --env ${props.env} --only connections`}</code> judges
        them.
      </p>
      {server.hidden ? (
        <p class="problem" id="hidden">
          {`${server.hidden.count} session(s) of ${server.hidden.roles.join(', ')} in this database are hidden from ${server.as}: their state, times and query text are not shown to it (only superusers and members of pg_read_all_stats see other roles'), so a long-running or idle one among them is not listed below. To see them: ${server.hidden.fix}.`}
        </p>
      ) : null}
      <Usage usage={server.usage} thresholds={thresholds} />
      <section id="long-running">
        <h2>Queries running longer than {formatDuration(thresholds.longRunningMs)}</h2>
        <Sessions
          ctx={ctx}
          sessions={server.longRunning}
          none="None."
          state={(session) => session.waiting ?? 'active'}
        />
      </section>
      <section id="idle-in-transaction">
        <h2>Idle in a transaction longer than {formatDuration(thresholds.idleInTransactionMs)}</h2>
        <Sessions
          ctx={ctx}
          sessions={server.idleInTransaction}
          none="None."
          state={(session) =>
            `idle in transaction${session.aborted ? ' (aborted)' : ''}${session.transaction ? `, transaction open ${session.transaction}` : ''}`
          }
        />
      </section>
      <section id="blocked">
        <h2>Waiting on a lock longer than {formatDuration(thresholds.blockedMs)}</h2>
        <BlockedChains ctx={ctx} blocked={server.blocked} />
      </section>
      <Plan plan={server.plan} env={props.env} />
    </>
  );
}

function Usage({ usage, thresholds }: { usage: ConnectionUsage; thresholds: ConnectionThresholds }) {
  const level =
    usage.share >= thresholds.usageFail ? 'fail' : usage.share >= thresholds.usageWarn ? 'warn' : 'ok';
  const reserved = usage.superuserReserved + (usage.reserved ?? 0);
  const x = (share: number) => Math.min(100, Math.round(share * 1000) / 10);
  const percent = Math.round(usage.share * 100);
  return (
    <section id="usage">
      <h2>Connections in use</h2>
      <svg
        class={`gauge gauge-${level}`}
        viewBox="0 0 100 8"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${usage.inUse} of ${usage.available} connections in use, ${percent}%`}
      >
        <rect class="gauge-track" x="0" y="0" width="100" height="8" />
        <rect class="gauge-used" x="0" y="0" width={String(x(usage.share))} height="8" />
        {[thresholds.usageWarn, thresholds.usageFail].map((mark) => (
          <line class="gauge-mark" x1={String(x(mark))} x2={String(x(mark))} y1="0" y2="8" />
        ))}
      </svg>
      <p>
        {`${usage.inUse} of ${usage.available} connections in use (${percent}%): max_connections ${usage.maxConnections} less ${reserved} reserved for superusers${usage.reserved ? ' and pg_use_reserved_connections' : ''}. ${usage.thisDatabase} in this database. Warns at ${Math.round(thresholds.usageWarn * 100)}%, fails at ${Math.round(thresholds.usageFail * 100)}% (the marks).`}
      </p>
      <p class="meta">
        {`The server's by database: ${tallyText(usage.byDatabase)}. By role: ${tallyText(usage.byRole)}.`}
      </p>
    </section>
  );
}

function tallyText(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ') || 'none'
  );
}

function Sessions<S extends SessionDetail>(props: {
  ctx: Ctx;
  sessions: S[];
  none: string;
  state: (session: S) => string;
}) {
  if (props.sessions.length === 0) return <p class="meta">{props.none}</p>;
  return (
    <table class="sessions">
      <thead>
        <tr>
          <th>pid</th>
          <th>role</th>
          <th>application</th>
          <th>state</th>
          <th>for</th>
          <th>query</th>
          <th>end it</th>
        </tr>
      </thead>
      <tbody>
        {props.sessions.map((session) => (
          <SessionRow ctx={props.ctx} session={session} state={props.state(session)} />
        ))}
      </tbody>
    </table>
  );
}

function SessionRow(props: { ctx: Ctx; session: SessionDetail; state: string }) {
  const { session, ctx } = props;
  return (
    <tr id={`pid-${session.pid}`}>
      <td>{session.pid}</td>
      <td>{session.role ?? 'unknown'}</td>
      <td>{session.application}</td>
      <td>{props.state}</td>
      <td>{session.duration}</td>
      <td>
        <QueryText session={session} as={ctx.as} />
      </td>
      <td>
        <Terminate ctx={ctx} pid={session.pid} />
      </td>
    </tr>
  );
}

function QueryText({ session, as }: { session: SessionDetail; as: string }) {
  if (session.query === null) return <span class="meta">{`hidden from ${as}`}</span>;
  return <code>{session.query}</code>;
}

/** The exact command that ends the session, and the button for the roles that may press it. */
function Terminate({ ctx, pid }: { ctx: Ctx; pid: number }) {
  return (
    <>
      <code class="command">{`launchdb connections terminate ${pid} --env ${ctx.env}`}</code>
      <ActionForm
        session={ctx.session}
        env={ctx.env}
        action="terminate"
        fields={{ pid: String(pid) }}
        label={`Terminate ${pid}`}
        brief
      />
    </>
  );
}

/**
 * Who blocks whom, as trees: at the top each blocker that is not itself listed as waiting (ending it
 * frees what waits under it), under each the sessions waiting for it, and so on.
 */
function BlockedChains({ ctx, blocked }: { ctx: Ctx; blocked: BlockedSessions }) {
  if (blocked.blocked.length === 0) return <p class="meta">None.</p>;
  const waiting = new Set(blocked.blocked.map((session) => session.pid));
  const heads = blocked.blockers.filter((blocker) => !waiting.has(blocker.pid));
  const waitersOf = (pid: number) => blocked.blocked.filter((session) => session.blockedBy.includes(pid));
  const shown = new Set<number>();
  const node = (session: BlockedSession | BlockingSession, waited: boolean) => {
    shown.add(session.pid);
    const below = waitersOf(session.pid).filter((waiter) => !shown.has(waiter.pid));
    return (
      <li id={`chain-${session.pid}`}>
        <ChainLine ctx={ctx} session={session} waited={waited} />
        {below.length > 0 ? <ul>{below.map((waiter) => node(waiter, true))}</ul> : null}
      </li>
    );
  };
  const trees = heads.map((head) => node(head, false));
  // Waiters whose blocker could not be read (it ended in between): listed on their own.
  const rest = blocked.blocked
    .filter((session) => !shown.has(session.pid))
    .map((session) => node(session, true));
  return <ul class="chains">{[...trees, ...rest]}</ul>;
}

function ChainLine(props: { ctx: Ctx; session: BlockedSession | BlockingSession; waited: boolean }) {
  const { session, ctx } = props;
  const who = nameSession(session);
  const what =
    'blockedBy' in session
      ? `waiting ${session.duration} for ${session.blockedBy.join(', ')}`
      : `${session.root ? 'blocks, waiting on nobody' : 'blocks'}: ${session.state ?? 'state hidden'}, transaction open ${session.duration}`;
  return (
    <p>
      {`${who} ${what}`}: <QueryText session={session} as={ctx.as} />{' '}
      <Terminate ctx={ctx} pid={session.pid} />
    </p>
  );
}

function Plan({ plan: result, env }: { plan: EnvironmentPlan; env: string }) {
  const { plan } = result;
  return (
    <section id="pool-plan">
      <h2>Pool plan</h2>
      <p class="meta">
        As <code class="command">{`launchdb pool plan --env ${env}`}</code> plans it:{' '}
        {plan.pooler === 'pgbouncer'
          ? 'behind PgBouncer in transaction mode'
          : 'direct connections, no pooler'}
        , {`Postgres ${result.server.version}, ${plan.usable} usable connections.`}
      </p>
      <table>
        <thead>
          <tr>
            <th>process</th>
            <th>instances</th>
            <th>pool max</th>
            <th>{plan.pooler === 'pgbouncer' ? 'to PgBouncer' : 'connections'}</th>
          </tr>
        </thead>
        <tbody>
          {plan.kinds.map((kind) => (
            <tr>
              <td>{kind.kind}</td>
              <td>{kind.instances}</td>
              <td>{kind.poolMax}</td>
              <td>{kind.connections}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {`Of ${plan.usable} usable: the app ${plan.appConnections}, launchdb's checks ${plan.headroom.checks}, migrations ${plan.headroom.migrations}, backups ${plan.headroom.backups}, admins ${plan.headroom.admins}; ${plan.spare < 0 ? `short by ${-plan.spare}` : `${plan.spare} spare`}.`}
      </p>
      {plan.fits ? (
        <p class="ok">
          {`Fits. Role connection limits: ${
            result.roles
              .map(
                (role) =>
                  `${role.role} ${role.current ?? 'no limit'}${role.action === 'set' ? ` → ${role.planned}` : ''}`,
              )
              .join(', ') || 'no roles'
          }.`}
          {result.roles.some((role) => role.action === 'set') ? (
            <>
              {' '}
              Set them with <code class="command">{`launchdb pool plan --env ${env} --apply`}</code>.
            </>
          ) : null}
        </p>
      ) : (
        <p class="problem">{`Does not fit: ${plan.problem}.`}</p>
      )}
      {result.notes.map((note) => (
        <p class="meta">{`Note: ${note}`}</p>
      ))}
    </section>
  );
}
