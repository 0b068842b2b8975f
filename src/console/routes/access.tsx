// GET /env/:env/access: who can log in to the environment's database and what each can do (what
// `launchdb access list` shows), the personal grants and open requests with their expiry (`access
// requests`), and the audit trail newest first, filtered by actor, action and age (`audit list`),
// 50 events a page. All read as the read-only role; a part it may not read says which privilege
// it lacks, and the rest is shown.
import type { Environment, Project } from '../../core/project.js';
import { sinceOf } from '../../core/since.js';
import { type AccessList, listAccess, requireLoginRoles } from '../../stores/postgres/access/access-list.js';
import { type AccessRequest, listRequests } from '../../stores/postgres/access/grants/access-requests.js';
import {
  type EventFilter,
  type EventPage,
  pageAuditEvents,
} from '../../stores/postgres/audit/list-events.js';
import { currentRole } from '../../stores/postgres/current-role.js';
import type { Queryable } from '../../stores/postgres/database.js';
import { resolvePostgresTarget } from '../../stores/postgres/target.js';
import type { ConsoleContext, ConsoleRoute } from '../console-context.js';
import { type Outcome, problemOf } from '../problem-of.js';
import { readEnvironment } from '../read-environment.js';
import { requireReadable } from '../unreadable-table.js';
import { AccessView } from '../views/access-view.js';
import { environmentOf } from './environment-route.js';

export const AUDIT_PAGE_SIZE = 50;
/** Longer actor or action filters are refused: no actor or command is named at such length. */
const FILTER_MAX_CHARS = 200;

/** The audit filters as the query string gave them (shown back in the form), and what they mean. */
export interface AuditQuery {
  actor: string;
  action: string;
  since: string;
  before?: number;
  /** What a bad value is and how to fix it: the page answers 400 and shows it in place of the trail. */
  problem?: string;
  filter: EventFilter;
}

export interface AccessTab {
  /** Where it was read and as which role, or why the database could not be read at all. */
  read: { ok: true; where: string; as: string } | { ok: false; reason: string };
  roles?: Outcome<AccessList>;
  /** Open requests (pending, or approved and not over); absent on an embedded database. */
  requests?: Outcome<AccessRequest[]>;
  audit?: Outcome<EventPage>;
}

export const accessPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/access',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project } = c.var.deps;
    const query = auditQueryOf(c, new Date());
    const tab = await readAccessTab(project, project.environment(env.name), query);
    return c.html(
      <AccessView project={project.name} session={c.var.session!} env={env} tab={tab} query={query} />,
      query.problem ? 400 : 200,
    );
  },
};

/** `actor`, `action`, `since` (an age such as 7d, or a date) and `before` (an event's seq), checked. */
export function auditQueryOf(c: ConsoleContext, now: Date): AuditQuery {
  const field = (name: string) => (c.req.query(name) ?? '').trim();
  const query: AuditQuery = {
    actor: field('actor'),
    action: field('action'),
    since: field('since'),
    filter: {},
  };
  const before = field('before');
  for (const name of ['actor', 'action'] as const) {
    if (query[name].length > FILTER_MAX_CHARS) {
      query.problem = `${name} is longer than ${FILTER_MAX_CHARS} characters: give part of the ${name === 'actor' ? "actor's name" : 'command'}, e.g. ${name === 'actor' ? 'ada' : 'migrate'}`;
      return query;
    }
    if (query[name]) query.filter[name] = query[name];
  }
  if (query.since) {
    try {
      query.filter.since = sinceOf(query.since, now, 'since');
    } catch (error) {
      query.problem = problemOf(error);
      return query;
    }
  }
  if (before) {
    if (!/^[1-9][0-9]{0,14}$/.test(before)) {
      query.problem = `before ${before} is not an event's number: give the SEQ of an event (a whole number from 1), or leave it out for the newest`;
      return query;
    }
    query.before = Number(before);
  }
  return query;
}

async function readAccessTab(project: Project, env: Environment, query: AuditQuery): Promise<AccessTab> {
  const read = await readEnvironment(env, async (db, backing) => {
    return {
      as: await currentRole(db),
      roles: await rolesPart(db, project, env),
      ...(backing === 'server' ? { requests: await requestsPart(db) } : {}),
      audit: query.problem ? ({ ok: false, reason: query.problem } as const) : await auditPart(db, query),
    };
  });
  if (!read.ok) return { read };
  const { as, ...parts } = read.value;
  return { read: { ok: true, where: read.where, as }, ...parts };
}

/** As `access list`: an embedded database has no logins, which is said in its one line. */
function rolesPart(db: Queryable, project: Project, env: Environment): Promise<Outcome<AccessList>> {
  return partOf(async () => listAccess(db, project, env, requireLoginRoles(env, resolvePostgresTarget(env))));
}

function requestsPart(db: Queryable): Promise<Outcome<AccessRequest[]>> {
  return partOf(async () => {
    await requireReadable(db, 'launchdb.access_requests', 'the access requests');
    return listRequests(db, { open: true });
  });
}

function auditPart(db: Queryable, query: AuditQuery): Promise<Outcome<EventPage>> {
  return partOf(async () => {
    await requireReadable(db, 'launchdb.audit', 'the audit trail');
    return pageAuditEvents(db, query.filter, {
      size: AUDIT_PAGE_SIZE,
      ...(query.before ? { before: query.before } : {}),
    });
  });
}

/** One part read, or why not: a part that fails leaves the others shown. */
async function partOf<T>(read: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, reason: problemOf(error) };
  }
}
