// access.personal-password-expiry: a personal role's password stops working by itself (VALID UNTIL),
// so access someone forgot to take back does not last for ever.
import type { Check } from '../../../core/checks/check.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import { environmentAccess } from './environment-access.js';

export const personalPasswordExpiry: Check<PostgresCheckContext> = {
  id: 'access.personal-password-expiry',
  area: 'access',
  title: "Personal roles' passwords expire",
  severity: 'warn',
  async run(ctx) {
    const access = await environmentAccess(ctx);
    if (!access) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const personal = access.roles.filter((entry) => entry.personal && entry.canLogin);
    const endless = personal.filter((entry) => entry.validUntil === null);
    const details = {
      personal: personal.length,
      withoutValidUntil: endless.map((entry) => ({ role: entry.name, person: entry.personal!.person })),
    };
    if (endless.length === 0) {
      return {
        status: 'pass',
        summary:
          personal.length === 0
            ? 'no personal role can log in here'
            : `each of the ${personal.length} personal role(s) has a VALID UNTIL`,
        details,
      };
    }
    // Its own expiry when it has one; otherwise a day from now, to be extended on purpose.
    const until = (expires: string | undefined) =>
      expires ?? new Date(ctx.now.getTime() + 86_400_000).toISOString();
    return {
      status: 'warn',
      summary: `${endless.map((entry) => `${entry.name} (${entry.personal!.person})`).join(', ')} ${endless.length === 1 ? 'has' : 'have'} no VALID UNTIL: the password never expires`,
      details,
      fix: `set one (as an admin): ${endless
        .map(
          (entry) =>
            `alter role ${quoteIdent(entry.name)} valid until ${quoteLiteral(until(entry.personal!.expires))};`,
        )
        .join(' ')}`,
    };
  },
};
