// access.manual-changes: nobody changed the schema, the roles or the grants behind launchdb's back in
// the last 30 days. Each run first folds what happened since the last one into the audit trail
// (captured DDL, and role and grant differences from the stored snapshot), then lists the trail's
// manual events; it installs the DDL capture when it connects as a superuser.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import { StoreUnavailable } from '../../../core/checks/check.js';
import { firstLine, UnreachableError } from '../../../core/errors.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { captureState, ensureCapture, notInstalledReason } from '../audit/ddl-capture.js';
import { listAuditEvents } from '../audit/list-events.js';
import { recordOutsideChanges } from '../audit/record-event.js';
import type { PostgresDatabase } from '../database.js';
import { openPostgres } from '../open.js';
import type { PostgresCheckContext } from './context.js';

const WINDOW_DAYS = 30;
/** How many changes the summary names; the details list them all. */
const NAMED = 5;

export const EMBEDDED_CAPTURE_SKIP =
  'embedded: the database is opened only by launchdb (and the app through launchdb serve), one session in its process; changes outside launchdb are a server matter, and drift covers the schema';

export const manualChanges: Check<PostgresCheckContext> = {
  id: 'access.manual-changes',
  area: 'access',
  title: `No DDL, role or grant changes outside launchdb in the last ${WINDOW_DAYS} days`,
  severity: 'warn',
  async run(ctx) {
    const appDb = await ctx.postgres.db();
    if (appDb.backing === 'embedded') return { status: 'skip', summary: EMBEDDED_CAPTURE_SKIP };
    // As the owner, who appends to the trail (the app may only read it), at the session's target.
    let db: PostgresDatabase;
    try {
      db = await openPostgres(ctx.postgres.target, { as: 'migration', max: 1 });
    } catch (error) {
      if (error instanceof UnreachableError)
        throw new StoreUnavailable(`Postgres at ${ctx.postgres.location}`);
      throw error;
    }
    const location = ctx.postgres.location;
    try {
      const install = await ensureCapture(db);
      const missing = install.installed ? undefined : await whyNotCaptured(db, install.reason);
      const target = {
        project: ctx.env.project,
        environment: ctx.env.name,
        backing: 'server' as const,
        database: location,
      };
      let folded: unknown[];
      try {
        folded = await recordOutsideChanges(ctx.env, db, target);
      } catch (error) {
        // Connected as a role that may not write launchdb's schema (a URL given for the app alone).
        if ((error as { code?: string }).code !== '42501') throw error;
        return {
          status: 'skip',
          summary: `the role launchdb connects to ${ctx.env.name} as may not write the audit trail, so changes outside launchdb cannot be recorded: ${firstLine(error)}`,
          fix: 'give launchdb the owner’s URL (DATABASE_MIGRATION_URL, set by attach with an admin URL)',
        };
      }
      const since = new Date(ctx.now.getTime() - WINDOW_DAYS * 86_400_000);
      const { events } = await listAuditEvents(db, { since, action: 'manual' });
      return verdict(ctx, events, {
        captureInstalled: install.installed,
        ...(install.installed && install.changed ? { captureInstalledNow: true } : {}),
        ...(missing ? { captureMissing: missing } : {}),
        recordedNow: folded.length,
      });
    } finally {
      await db.close();
    }
  },
};

interface CaptureFacts {
  captureInstalled: boolean;
  captureInstalledNow?: boolean;
  captureMissing?: string;
  recordedNow: number;
}

function verdict(ctx: PostgresCheckContext, events: AuditEvent[], facts: CaptureFacts): CheckOutcome {
  const listed = events.map(describeEvent);
  const details = { days: WINDOW_DAYS, ...facts, changes: listed };
  const missing = facts.captureInstalled
    ? ''
    : `; DDL is not captured here (${facts.captureMissing}), so only role and grant changes are found, and drift stays the net for the schema`;
  if (events.length > 0) {
    const named = listed
      .slice(0, NAMED)
      .map((entry) => `${entry.at.slice(0, 16).replace('T', ' ')} ${entry.by}: ${entry.what}`)
      .join('; ');
    const more = events.length > NAMED ? `; and ${events.length - NAMED} more` : '';
    return {
      status: 'warn',
      summary: `${events.length} change(s) made outside launchdb in the last ${WINDOW_DAYS} days: ${named}${more}${missing}`,
      details,
      fix: `see them with \`launchdb audit list --env ${ctx.env.name} --action manual --since ${WINDOW_DAYS}d\`; make schema changes as migrations and access changes with launchdb access, so they are reviewed and recorded`,
    };
  }
  if (!facts.captureInstalled) {
    return {
      status: 'skip',
      summary: `DDL made outside launchdb is not captured in ${ctx.env.name}: ${facts.captureMissing}; role and grant changes are compared at each check (none found), and drift stays the net for the schema`,
      details,
    };
  }
  return {
    status: 'pass',
    summary: `no DDL, role or grant changes outside launchdb in the last ${WINDOW_DAYS} days (DDL captured by event triggers; roles and grants compared at each check)`,
    details,
  };
}

/** One manual event in a line: when, who, what. */
function describeEvent(event: AuditEvent): {
  seq: number;
  at: string;
  action: string;
  by: string;
  what: string;
} {
  const details = (event.details ?? {}) as {
    commands?: { tag: string; objects: string[] }[];
    statements?: string[];
    changes?: string[];
  };
  const what =
    event.action === 'manual roles'
      ? (details.changes ?? []).join(', ')
      : (details.commands ?? [])
          .map(
            (command) =>
              `${command.tag}${command.objects.length > 0 ? ` ${command.objects.join(', ')}` : ''}`,
          )
          .join(', ');
  const by = event.action === 'manual roles' ? 'role/grant change' : `${event.actor.id}`;
  return { seq: event.seq, at: event.at, action: event.action, by, what };
}

/** A capture someone dropped or disabled says so; one never installed, why it cannot be. */
async function whyNotCaptured(db: PostgresDatabase, reason: string): Promise<string> {
  const state = await captureState(db);
  return state.partial ? notInstalledReason(state) : reason;
}
