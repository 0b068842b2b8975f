// `launchdb access expire`: ends every personal access whose time is up — NOLOGIN, sessions ended,
// role dropped — and records lapsed requests. Safe to run as often as you like; the scheduler runs it.
import type { ExitCode } from '../../core/errors.js';
import { expirePersonalAccess } from '../../stores/postgres/access/grants/expire-personal-access.js';
import { accessServer, leftoverLines, openAdminFor } from '../access-context.js';
import { noteAuditDetails, noteNothingChanged } from '../audit-details.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { clean } from '../render/report-terminal.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { env } = context;
  const target = accessServer(env, 'expire');
  const admin = await openAdminFor(context, target, 'expire');
  let expiry: Awaited<ReturnType<typeof expirePersonalAccess>>;
  try {
    // No confirmation: it only ends what a grant or an approval already decided would end by now.
    io.err(
      `${io.style('bold', 'target:')} project ${env.project}, environment ${env.name}, postgres: ${admin.location}\n`,
    );
    expiry = await expirePersonalAccess(admin, target.database);
  } finally {
    await admin.db.close();
  }
  const kept = expiry.roles.filter((role) => !role.dropped);
  const nothingDue =
    expiry.roles.length === 0 && expiry.requestsLapsed.length === 0 && expiry.accessEnded.length === 0;
  if (nothingDue) noteNothingChanged(input);
  noteAuditDetails(input, {
    ended: expiry.roles.map((role) => ({ role: role.role, person: role.person, dropped: role.dropped })),
    requestsLapsed: expiry.requestsLapsed,
    accessEnded: expiry.accessEnded,
  });
  if (input.flags.json) {
    io.out(`${JSON.stringify({ environment: env.name, ...expiry }, null, 2)}\n`);
    return kept.length > 0 ? 1 : 0;
  }
  const lines: string[] = [];
  for (const role of expiry.roles) {
    const sessions = role.sessionsEnded > 0 ? `, ${role.sessionsEnded} session(s) ended` : '';
    lines.push(
      role.dropped
        ? `${io.style('green', 'ended')} ${role.person}'s access (role ${clean(role.role)}, expired ${role.expired}): login taken${sessions}, role dropped`
        : `${io.style('red', 'kept')} role ${clean(role.role)} of ${role.person} (expired ${role.expired}): login taken${sessions}, but it cannot be dropped; still depending on it:`,
      ...(role.dropped ? [] : leftoverLines(role.leftovers)),
    );
  }
  if (expiry.requestsLapsed.length > 0) {
    lines.push(`lapsed unapproved: request(s) ${expiry.requestsLapsed.join(', ')}`);
  }
  if (expiry.roles.length === 0)
    lines.push(
      `no personal access to ${clean(expiry.location)} is past its time (server time ${expiry.now})`,
    );
  if (kept.length > 0) {
    lines.push(
      `move or drop what is listed (it is in another database, where this run cannot reach), then run \`launchdb access expire --env ${env.name}\` again`,
    );
  }
  io.out(`${lines.join('\n')}\n`);
  return kept.length > 0 ? 1 : 0;
}
