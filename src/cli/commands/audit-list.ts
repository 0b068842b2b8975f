// `launchdb audit list`: the environment's audit trail, who did what and how it ended, filtered.
import type { ExitCode } from '../../core/errors.js';
import { sinceOf } from '../../core/since.js';
import type { AuditEvent } from '../../stores/postgres/audit/audit-event.js';
import { describeParameters, describeResult } from '../../stores/postgres/audit/event-text.js';
import { type EventFilter, listAuditEvents } from '../../stores/postgres/audit/list-events.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const filter = filterOf(input, new Date());
  const { env, connectTimeoutMs } = await commandContext(input, io);
  const { db, location } = await openMigrationDatabase(env, {
    command: 'audit list',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  let listed: Awaited<ReturnType<typeof listAuditEvents>>;
  try {
    listed = await listAuditEvents(db, filter);
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    const document = {
      project: env.project,
      environment: env.name,
      location,
      events: listed.events,
      unreadable: listed.unreadable,
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  const count = listed.events.length;
  io.out(
    `audit trail of ${env.project}, environment ${env.name} (${location}): ${count} event${count === 1 ? '' : 's'}${filtered(filter) ? ' matching' : ''}\n`,
  );
  if (count > 0) {
    const rows = listed.events.map((event) => [
      String(event.seq),
      event.at.slice(0, 19).replace('T', ' '),
      event.actor.id,
      event.action,
      resultText(event, io),
      describeParameters(event),
    ]);
    io.out(
      `\n${renderTable(rows, { header: ['SEQ', 'WHEN (UTC)', 'ACTOR', 'ACTION', 'RESULT', 'PARAMETERS'], align: ['right'] })}\n`,
    );
  }
  if (listed.unreadable.length > 0) {
    io.out(
      io.style(
        'red',
        `events ${listed.unreadable.join(', ')} are not readable: run \`launchdb audit verify --env ${env.name}\`\n`,
      ),
    );
  }
  return 0;
}

/** --since AGE|DATE, --actor, --action; a --since that is neither is bad input. */
function filterOf(input: CommandInput, now: Date): EventFilter {
  const since = stringFlag(input, 'since');
  const actor = stringFlag(input, 'actor');
  const action = stringFlag(input, 'action');
  return {
    ...(since ? { since: sinceOf(since, now) } : {}),
    ...(actor ? { actor } : {}),
    ...(action ? { action } : {}),
  };
}

function filtered(filter: EventFilter): boolean {
  return filter.since !== undefined || filter.actor !== undefined || filter.action !== undefined;
}

function resultText(event: AuditEvent, io: Io): string {
  const colour = { ok: 'green', refused: 'yellow', failed: 'red' } as const;
  return io.style(colour[event.result.status], describeResult(event.result));
}
