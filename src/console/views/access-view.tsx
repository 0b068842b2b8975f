// The Access tab: every login role with what it can do and whose it is, the personal grants and open
// requests with their expiry, and the audit trail with its filters and pages.
import { describePerson } from '../../core/config/people.js';
import { describeDuration } from '../../core/duration.js';
import {
  type AccessEntry,
  type AccessList,
  ddlOf,
  describeTables,
  roleNotes,
} from '../../stores/postgres/access/access-list.js';
import {
  type AccessRequest,
  describeRequestState,
} from '../../stores/postgres/access/grants/access-requests.js';
import { describeOwner } from '../../stores/postgres/access/role-owner.js';
import { describeParameters, describeResult } from '../../stores/postgres/audit/event-text.js';
import type { EventPage } from '../../stores/postgres/audit/list-events.js';
import type { SignedIn } from '../console-context.js';
import type { Outcome } from '../problem-of.js';
import type { AccessTab, AuditQuery } from '../routes/access.js';
import { ActionForm } from './action-form.js';
import { EnvironmentPage, type EnvironmentTabProps, environmentPath } from './environment-page.js';
import { utc } from './utc.js';

/** Ages offered in the `since` field; any age or date may be typed. */
const SINCE_CHOICES = ['24h', '7d', '30d'];

export function AccessView(props: EnvironmentTabProps & { tab: AccessTab; query: AuditQuery }) {
  const { env, tab } = props;
  return (
    <EnvironmentPage project={props.project} session={props.session} env={env} tab="access">
      {tab.read.ok ? (
        <p class="meta">
          Read from {tab.read.where} as {tab.read.as}.
        </p>
      ) : (
        <p class="problem">{tab.read.reason}</p>
      )}
      {tab.roles ? <RolesSection roles={tab.roles} env={env.name} session={props.session} /> : null}
      {tab.requests ? (
        <RequestsSection requests={tab.requests} env={env.name} session={props.session} />
      ) : null}
      {tab.read.ok || props.query.problem ? (
        <AuditSection audit={tab.audit} query={props.query} env={env.name} />
      ) : null}
    </EnvironmentPage>
  );
}

function RolesSection({
  roles,
  env,
  session,
}: {
  roles: Outcome<AccessList>;
  env: string;
  session: SignedIn;
}) {
  if (!roles.ok) {
    return (
      <section id="roles">
        <h2>Who can log in</h2>
        <p class="problem">{roles.reason}</p>
      </section>
    );
  }
  const list = roles.value;
  const personal = list.roles.filter((entry) => entry.personal);
  const unknown = list.roles.filter((entry) => entry.belongsTo.kind === 'unknown').length;
  return (
    <>
      <section id="roles">
        <h2>Who can log in</h2>
        <p class="meta">
          {`${list.roles.length} role(s) can log in to ${list.database}; ${list.tables} app table(s). Data owner: ${
            list.dataOwner ? describePerson(list.dataOwner) : 'none named'
          }. pgAudit: ${list.pgaudit.loaded ? (list.pgaudit.extension ? 'loaded, extension created' : 'loaded, extension not created') : 'not loaded'}.`}{' '}
          As <code class="command">{`launchdb access list --env ${env}`}</code> shows it.
        </p>
        {unknown > 0 ? (
          <p class="problem">
            {`${unknown} role(s) belong to no one declared: declare them under access.services or access.people.<id>.roles, or drop them.`}
          </p>
        ) : null}
        <table class="roles">
          <thead>
            <tr>
              <th>role</th>
              <th>belongs to</th>
              <th>DDL</th>
              <th>write</th>
              <th>read</th>
              <th>bypass RLS</th>
              <th>sessions</th>
            </tr>
          </thead>
          <tbody>
            {list.roles.map((entry) => (
              <RoleRow entry={entry} tables={list.tables} />
            ))}
          </tbody>
        </table>
      </section>
      <section id="grants">
        <h2>Personal grants</h2>
        {personal.length === 0 ? (
          <p class="meta">No personal role can log in now.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>person</th>
                <th>role</th>
                <th>level</th>
                <th>until (UTC)</th>
                <th>sessions</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {personal.map((entry) => (
                <tr id={`grant-${entry.personal!.person}`}>
                  <td>{entry.personal!.person}</td>
                  <td>
                    <code>{entry.name}</code>
                  </td>
                  <td>{entry.personal!.level ?? 'personal'}</td>
                  <td>{entry.personal!.expires ? utc(entry.personal!.expires) : 'no end'}</td>
                  <td>{entry.sessions}</td>
                  <td>
                    <ActionForm
                      session={session}
                      env={env}
                      action="revoke"
                      fields={{ person: entry.personal!.person }}
                      brief
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="meta">
          Revoke: <code class="command">{`launchdb access revoke --env ${env} --person NAME`}</code>
        </p>
      </section>
    </>
  );
}

function RoleRow({ entry, tables }: { entry: AccessEntry; tables: number }) {
  const ddl = ddlOf(entry);
  const notes = roleNotes(entry);
  return (
    <tr id={`role-${entry.name}`} class={entry.belongsTo.kind === 'unknown' ? 'status-fail' : ''}>
      <td>
        <code>{entry.name}</code>
        {notes.map((note) => (
          <p class="meta">{note}</p>
        ))}
      </td>
      <td>{describeOwner(entry.belongsTo)}</td>
      <td>{ddl.length > 0 ? ddl.join('; ') : '-'}</td>
      <td>{describeTables(entry.write, tables, entry.superuser)}</td>
      <td>{describeTables(entry.read, tables, entry.superuser)}</td>
      <td>{entry.bypassRls ? 'yes' : 'no'}</td>
      <td>{entry.sessions}</td>
    </tr>
  );
}

function RequestsSection({
  requests,
  env,
  session,
}: {
  requests: Outcome<AccessRequest[]>;
  env: string;
  session: SignedIn;
}) {
  return (
    <section id="requests">
      <h2>Open requests</h2>
      {!requests.ok ? (
        <p class="problem">{requests.reason}</p>
      ) : requests.value.length === 0 ? (
        <p class="meta">No request waits for approval or gives access now.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>id</th>
              <th>person</th>
              <th>level</th>
              <th>for</th>
              <th>state (UTC)</th>
              <th>asked by</th>
              <th>approved by</th>
              <th>reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {requests.value.map((request) => (
              <tr id={`request-${request.id}`} class={request.state === 'pending' ? 'status-warn' : ''}>
                <td>{request.id}</td>
                <td>{request.person}</td>
                <td>{request.level}</td>
                <td>{describeDuration(request.durationMs)}</td>
                <td>{describeRequestState(request)}</td>
                <td>{request.requestedBy}</td>
                <td>{request.approvedBy ?? '-'}</td>
                <td>{request.reason}</td>
                <td>
                  {request.state === 'pending' ? (
                    <ActionForm
                      session={session}
                      env={env}
                      action="approve"
                      fields={{ request: String(request.id) }}
                      brief
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="meta">
        Approve: <code class="command">{`launchdb access approve --env ${env} ID`}</code>; every request,
        ended ones too: <code class="command">{`launchdb access requests --env ${env} --all`}</code>
      </p>
    </section>
  );
}

function AuditSection(props: { audit: Outcome<EventPage> | undefined; query: AuditQuery; env: string }) {
  const { audit, query, env } = props;
  const path = environmentPath(env, 'access');
  return (
    <section id="audit">
      <h2>Audit trail</h2>
      <form method="get" action={path} class="filters">
        <label>
          actor <input name="actor" value={query.actor} placeholder="ada" />
        </label>
        <label>
          action <input name="action" value={query.action} placeholder="migrate" />
        </label>
        <label>
          since <input name="since" value={query.since} placeholder="7d" list="since-ages" />
        </label>
        <datalist id="since-ages">
          {SINCE_CHOICES.map((age) => (
            <option value={age} />
          ))}
        </datalist>
        <button type="submit">Filter</button> <a href={`${path}#audit`}>clear</a>
      </form>
      {query.problem ? (
        <p class="problem" role="alert">
          {query.problem}
        </p>
      ) : !audit ? null : !audit.ok ? (
        <p class="problem">{audit.reason}</p>
      ) : (
        <EventsTable page={audit.value} query={query} path={path} env={env} />
      )}
    </section>
  );
}

function EventsTable(props: { page: EventPage; query: AuditQuery; path: string; env: string }) {
  const { page, query, path, env } = props;
  const filtered = query.actor || query.action || query.since;
  const link = (before?: number) => {
    const params = new URLSearchParams();
    for (const name of ['actor', 'action', 'since'] as const) if (query[name]) params.set(name, query[name]);
    if (before !== undefined) params.set('before', String(before));
    const text = params.toString();
    return `${path}${text ? `?${text}` : ''}#audit`;
  };
  return (
    <>
      <p class="meta">
        {page.events.length === 0
          ? `No event${filtered ? ' matches' : ' yet'}${query.before ? ` before ${query.before}` : ''}.`
          : `Events ${page.events[0]!.seq} to ${page.events.at(-1)!.seq}${filtered ? ' matching' : ''}, newest first; `}
        {page.events.length > 0 ? (
          <>
            as <code class="command">{`launchdb audit list --env ${env}`}</code> lists them.
          </>
        ) : null}
      </p>
      {page.events.length > 0 ? (
        <table class="events">
          <thead>
            <tr>
              <th>seq</th>
              <th>when (UTC)</th>
              <th>actor</th>
              <th>action</th>
              <th>result</th>
              <th>parameters</th>
            </tr>
          </thead>
          <tbody>
            {page.events.map((event) => (
              <tr
                id={`event-${event.seq}`}
                class={`status-${event.result.status === 'ok' ? 'pass' : 'fail'}`}
              >
                <td>{event.seq}</td>
                <td>{utc(event.at)}</td>
                <td>{event.actor.id}</td>
                <td>{event.action}</td>
                <td>{describeResult(event.result)}</td>
                <td>
                  <code>{describeParameters(event)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {page.unreadable.length > 0 ? (
        <p class="problem">
          {`Events ${page.unreadable.join(', ')} are not readable: run launchdb audit verify --env ${env}`}
        </p>
      ) : null}
      <nav class="pager" aria-label="audit pages">
        {query.before ? <a href={link()}>newest</a> : null}
        {page.older !== undefined ? (
          <a href={link(page.older)} rel="next">
            older events
          </a>
        ) : null}
      </nav>
    </>
  );
}
