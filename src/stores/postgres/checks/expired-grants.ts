// access.expired-grants: a personal role past its expiry cannot log in and has no session left.
// VALID UNTIL alone does not do it: it stops new password logins only, not trust, certificate or
// peer logins, and ends no session.
import type { Check } from '../../../core/checks/check.js';
import type { AccessEntry } from '../access/access-list.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import { environmentAccess } from './environment-access.js';

export const expiredGrants: Check<PostgresCheckContext> = {
  id: 'access.expired-grants',
  area: 'access',
  title: 'Personal access past its expiry is over: no login, no session',
  severity: 'fail',
  async run(ctx) {
    const access = await environmentAccess(ctx);
    if (!access) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const personal = access.roles.filter((entry) => entry.personal);
    const now = ctx.now.getTime();
    const expired = personal.filter((entry) => {
      const expires = entry.personal?.expires;
      return expires !== undefined && Date.parse(expires) <= now && (entry.canLogin || entry.sessions > 0);
    });
    const details = {
      personal: personal.length,
      expired: expired.map((entry) => ({
        role: entry.name,
        person: entry.personal!.person,
        expires: entry.personal!.expires,
        canLogin: entry.canLogin,
        sessions: entry.sessions,
      })),
    };
    if (expired.length === 0) {
      return {
        status: 'pass',
        summary:
          personal.length === 0
            ? 'no personal role can log in here'
            : `none of the ${personal.length} personal role(s) is past its expiry`,
        details,
      };
    }
    return {
      status: 'fail',
      summary: expired.map(describe).join('; '),
      details,
      fix: `end it now (as an admin): ${expired.map(endStatements).join(' ')}`,
    };
  },
};

function describe(entry: AccessEntry): string {
  const personal = entry.personal!;
  const level = personal.level ? `, ${personal.level}` : '';
  const still = [
    entry.canLogin ? 'can still log in' : '',
    entry.sessions > 0 ? `still has ${entry.sessions} session(s)` : '',
  ].filter(Boolean);
  return `${entry.name} (${personal.person}${level}) expired ${personal.expires} and ${still.join(' and ')}`;
}

function endStatements(entry: AccessEntry): string {
  return `alter role ${quoteIdent(entry.name)} nologin; select pg_terminate_backend(pid) from pg_stat_activity where usename = ${quoteLiteral(entry.name)};`;
}
