// access.direct-access-count: few people can read or change a guarded environment's data directly
// (`access.maxDirect`, default 2); everyone else goes through the app, or asks for time-limited access.
import type { Check } from '../../../core/checks/check.js';
import { canWrite, hasDirectAccess } from '../access/access-list.js';
import { EMBEDDED_ROLES_SKIP } from './app-role-superuser.js';
import type { PostgresCheckContext } from './context.js';
import { environmentAccess } from './environment-access.js';

export const DEFAULT_MAX_DIRECT = 2;

export const directAccessCount: Check<PostgresCheckContext> = {
  id: 'access.direct-access-count',
  area: 'access',
  title: 'Few people can read or change the data directly',
  severity: 'warn',
  async run(ctx) {
    const access = await environmentAccess(ctx);
    if (!access) return { status: 'skip', summary: EMBEDDED_ROLES_SKIP };
    const max = ctx.project.config.access?.maxDirect ?? DEFAULT_MAX_DIRECT;
    const direct = new Map<string, { write: boolean; roles: string[] }>();
    for (const entry of access.roles) {
      if (entry.belongsTo.kind !== 'person' || !hasDirectAccess(entry)) continue;
      const person = direct.get(entry.belongsTo.person) ?? { write: false, roles: [] };
      person.write ||= canWrite(entry);
      person.roles.push(entry.name);
      direct.set(entry.belongsTo.person, person);
    }
    const readers = [...direct.keys()].sort();
    const writers = readers.filter((person) => direct.get(person)!.write);
    const details = {
      maxDirect: max,
      pgauditLoaded: access.pgaudit.loaded,
      people: readers.map((person) => ({
        person,
        write: direct.get(person)!.write,
        roles: direct.get(person)!.roles,
      })),
    };
    const who = `${readers.length} ${readers.length === 1 ? 'person has' : 'people have'} direct access to ${ctx.env.name}'s data`;
    const names = readers.length > 0 ? ` (${readers.join(', ')})` : '';
    const write =
      writers.length > 0 ? `; ${writers.length} of them can change it (${writers.join(', ')})` : '';
    // People's access is audited by pgAudit on their own roles (access grant); say when it cannot be.
    const unaudited =
      readers.length > 0 && !access.pgaudit.loaded
        ? '; pgAudit is not loaded on this server, so what they do there is not logged'
        : '';
    const found = `${who}${names}${write}${unaudited}`;
    if (!ctx.env.guarded) {
      return {
        status: 'pass',
        summary: `${found}; access.maxDirect (${max}) applies to guarded environments`,
        details,
      };
    }
    if (readers.length <= max) {
      return {
        status: 'pass',
        summary: `${found}; within access.maxDirect (${max})`,
        details,
      };
    }
    return {
      status: 'warn',
      summary: `${found}; more than access.maxDirect (${max})`,
      details,
      fix: 'take standing access back from those who do not need it every day (give time-limited access when they do), or raise access.maxDirect in the config',
    };
  },
};
