// `launchdb access requests`: the environment's requests for personal access, newest first — what
// waits for approval, what was approved and until when, what lapsed or was revoked.
import { describeDuration } from '../../core/duration.js';
import type { ExitCode } from '../../core/errors.js';
import {
  type AccessRequest,
  describeRequestState,
  listRequests,
} from '../../stores/postgres/access/grants/access-requests.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { accessServer } from '../access-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { clean } from '../render/report-terminal.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { env, connectTimeoutMs } = await commandContext(input, io);
  accessServer(env, 'request');
  const { db, location } = await openMigrationDatabase(env, {
    command: 'access requests',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  let requests: AccessRequest[];
  try {
    requests = await listRequests(db, { open: input.flags.all !== true });
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    io.out(`${JSON.stringify({ environment: env.name, location, requests }, null, 2)}\n`);
    return 0;
  }
  const which = input.flags.all === true ? '' : ' open (pending, or approved and not over)';
  io.out(`${requests.length}${which} access request(s) for environment ${env.name} (${clean(location)})\n`);
  if (requests.length === 0) return 0;
  const rows = requests.map((request) => [
    String(request.id),
    request.person,
    request.level,
    describeDuration(request.durationMs),
    stateCell(request, io),
    clean(request.requestedBy),
    request.approvedBy ? clean(request.approvedBy) : '-',
    clean(request.reason),
  ]);
  const header = ['ID', 'PERSON', 'LEVEL', 'FOR', 'STATE', 'ASKED BY', 'APPROVED BY', 'REASON'];
  io.out(`${renderTable(rows, { header: header.map((title) => io.style('bold', title)) })}\n`);
  return 0;
}

function stateCell(request: AccessRequest, io: Io): string {
  const colour = { pending: 'yellow', approved: 'green' } as const;
  const state = request.state;
  return state === 'pending' || state === 'approved'
    ? io.style(colour[state], describeRequestState(request))
    : describeRequestState(request);
}
