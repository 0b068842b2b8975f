// access.superusers: no person can log in as a superuser, or become one with SET ROLE. The app's own
// role is access.app-role-superuser's; roles nobody is declared for are access.unknown-roles'.
import type { Check } from '../../../core/checks/check.js';
import type { AccessEntry } from '../access/access-list.js';
import { quoteIdent } from '../sql-quote.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import { environmentAccess } from './environment-access.js';

export const superusers: Check<PostgresCheckContext> = {
  id: 'access.superusers',
  area: 'access',
  title: 'No person logs in as a superuser',
  severity: 'warn',
  async run(ctx) {
    const access = await environmentAccess(ctx);
    if (!access) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const people = access.roles.filter((entry) => entry.belongsTo.kind === 'person');
    const found = people
      .map((entry) => ({ entry, through: superuserThrough(entry) }))
      .filter((found): found is { entry: AccessEntry; through: string } => found.through !== undefined);
    const details = {
      people: [...new Set(people.map((entry) => personOf(entry)))],
      superusers: found.map(({ entry, through }) => ({ person: personOf(entry), role: entry.name, through })),
    };
    if (found.length === 0) {
      return {
        status: 'pass',
        summary:
          people.length === 0
            ? 'no login role of a declared person can log in here'
            : `none of the ${people.length} login role(s) of declared people is a superuser or can become one`,
        details,
      };
    }
    const fixes = found.map(({ entry, through }) =>
      through === entry.name
        ? `alter role ${quoteIdent(entry.name)} nosuperuser;`
        : `revoke ${quoteIdent(through)} from ${quoteIdent(entry.name)};`,
    );
    return {
      status: 'warn',
      summary: found
        .map(({ entry, through }) =>
          through === entry.name
            ? `person ${personOf(entry)} logs in as superuser ${entry.name}`
            : `person ${personOf(entry)} can become superuser ${through} (member, as ${entry.name})`,
        )
        .join('; '),
      details,
      fix: `give people the access they need, not a superuser (as an admin): ${fixes.join(' ')}`,
    };
  },
};

function personOf(entry: AccessEntry): string {
  return entry.belongsTo.kind === 'person' ? entry.belongsTo.person : '?';
}

/** The superuser role it is (its own name) or belongs to; undefined when neither. */
function superuserThrough(entry: AccessEntry): string | undefined {
  if (entry.superuser) return entry.name;
  return entry.memberOf.find((group) => group.superuser)?.role;
}
