// access.data-owner: a guarded environment names the person who answers for its data
// (`environments.<env>.owner`, a person of `access.people`).
import type { Check } from '../../../core/checks/check.js';
import { dataOwnerOf, describePerson } from '../../../core/config/people.js';
import type { PostgresCheckContext } from './context.js';

export const dataOwner: Check<PostgresCheckContext> = {
  id: 'access.data-owner',
  area: 'access',
  title: 'Someone answers for the data',
  severity: 'fail',
  async run(ctx) {
    const { env } = ctx;
    if (ctx.postgres.target.backing === 'embedded') {
      return {
        status: 'skip',
        summary:
          'embedded: a database on this machine; name a data owner once the environment is on a server',
      };
    }
    const owner = dataOwnerOf(ctx.project.config, env.name);
    if (owner) {
      return {
        status: 'pass',
        summary: `data owner of ${env.name}: ${describePerson(owner)}`,
        details: { owner },
      };
    }
    if (!env.guarded) {
      return {
        status: 'skip',
        summary: 'no data owner named; required in guarded environments (production)',
      };
    }
    return {
      status: 'fail',
      summary: `${env.name} is guarded and names no data owner: nobody answers for its data`,
      fix: `name one in the config: a person under access.people (\`ada: { email: 'ada@…', name: 'Ada' }\`) and environments.${env.name}.owner = 'ada'`,
    };
  },
};
