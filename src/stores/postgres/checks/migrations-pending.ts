// schema.migrations-pending: the database has every migration the code expects, in order.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';
import { listed, migrationStateOf } from './migration-state.js';

export const migrationsPending: Check<PostgresCheckContext> = {
  id: 'schema.migrations-pending',
  area: 'schema',
  title: 'every migration is applied',
  severity: 'fail',
  async run(ctx) {
    const status = await migrationStateOf(ctx);
    if (!status) return { status: 'skip', summary: 'no migration files in the project and no history' };
    const fix = `launchdb migrate up --env ${ctx.env.name}`;
    if (status.outOfOrder.length > 0) {
      return {
        status: 'fail',
        summary: `${status.outOfOrder.length} pending migration(s) older than the newest applied one: ${listed(status.outOfOrder)}`,
        details: {
          outOfOrder: status.outOfOrder.map((file) => file.file),
          pending: status.pending.map((file) => file.file),
        },
        fix: `review them, then ${fix} --allow-out-of-order`,
      };
    }
    if (status.pending.length > 0) {
      return {
        status: 'fail',
        summary: `${status.pending.length} migration(s) not applied: ${listed(status.pending)}`,
        details: { pending: status.pending.map((file) => file.file) },
        fix,
      };
    }
    return { status: 'pass', summary: `all ${status.applied + status.changed.length} migrations applied` };
  },
};
