// access.unknown-roles: every role that can log in to this database belongs to a person or service the
// config declares. A login nobody answers for is how access outlives the reason it was given.
import type { Check } from '../../../core/checks/check.js';
import { type AccessEntry, powersSummary } from '../access/access-list.js';
import { quoteIdent } from '../sql-quote.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import { environmentAccess } from './environment-access.js';

/** How many roles a summary names; the details list them all. */
const NAMED = 5;

export const unknownRoles: Check<PostgresCheckContext> = {
  id: 'access.unknown-roles',
  area: 'access',
  title: 'Every role that can log in belongs to a declared person or service',
  severity: 'fail',
  async run(ctx) {
    const access = await environmentAccess(ctx);
    if (!access) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const unknown = access.roles.filter((entry) => entry.belongsTo.kind === 'unknown');
    // The server's own superuser (initdb's) is on every server: named apart, and only a warning.
    const bootstrap = unknown.find((entry) => entry.bootstrap);
    const others = unknown.filter((entry) => !entry.bootstrap);
    const details = {
      roles: access.roles.length,
      unknown: unknown.map((entry) => ({
        role: entry.name,
        ...(entry.belongsTo.kind === 'unknown' && entry.belongsTo.reason
          ? { reason: entry.belongsTo.reason }
          : {}),
        bootstrapSuperuser: entry.bootstrap,
        superuser: entry.superuser,
        can: powersSummary(entry),
        sessions: entry.sessions,
      })),
    };
    if (unknown.length === 0) {
      return {
        status: 'pass',
        summary: `each of the ${access.roles.length} role(s) that can log in to ${access.database} belongs to a declared person or service`,
        details,
      };
    }
    const parts: string[] = [];
    if (others.length > 0) {
      const named = others.slice(0, NAMED).map(describe).join('; ');
      const more = others.length > NAMED ? `; and ${others.length - NAMED} more` : '';
      parts.push(`${others.length} login role(s) belong to no declared person or service: ${named}${more}`);
    }
    if (bootstrap) {
      parts.push(
        `${bootstrap.name} is the server's bootstrap superuser (made with the cluster) and nobody is declared to hold it`,
      );
    }
    const drop = others
      .slice(0, NAMED)
      .map((entry) => `drop role ${quoteIdent(entry.name)};`)
      .join(' ');
    return {
      status: others.length > 0 && ctx.env.guarded ? 'fail' : 'warn',
      summary: parts.join('; '),
      details,
      fix:
        `declare who uses each: a program or a provider's admin role under access.services ({ role: 'NAME' }), a person's under access.people.<id>.roles` +
        (drop ? `; or, if nobody needs it, take it away (as an admin): ${drop}` : ''),
    };
  },
};

function describe(entry: AccessEntry): string {
  const reason =
    entry.belongsTo.kind === 'unknown' && entry.belongsTo.reason ? `, ${entry.belongsTo.reason}` : '';
  const sessions = entry.sessions > 0 ? `, ${entry.sessions} session(s) now` : '';
  return `${entry.name} (${powersSummary(entry)}${sessions}${reason})`;
}
