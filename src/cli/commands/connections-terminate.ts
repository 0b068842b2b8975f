// `launchdb connections terminate PID`: ends one session of the environment's database (Heroku's
// `pg:kill`), after the guarded environment's confirmation; the core refuses any other pid.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { formatDuration, nameSession } from '../../stores/postgres/checks/connection-activity.js';
import { TERMINATE_WAIT_MS, terminateSession } from '../../stores/postgres/terminate-session.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { clean } from '../render/report-terminal.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { env, connectTimeoutMs } = await commandContext(input, io);
  const pid = pidOf(input.positionals[0], env.name);
  const ended = await terminateSession(env, pid, {
    command: 'connections terminate',
    connectTimeoutMs,
    confirm: (session, location) =>
      confirmChange(env, input, io, `postgres: session ${nameSession(session)} at ${location}`),
  });
  noteAuditDetails(input, {
    pid: ended.pid,
    role: ended.role,
    application: ended.application,
    outcome: ended.outcome,
  });
  const code = ended.outcome === 'still-running' ? 1 : 0;
  if (input.flags.json) {
    io.out(`${JSON.stringify({ environment: env.name, ...ended }, null, 2)}\n`);
    return code;
  }
  const who = clean(nameSession(ended));
  const line = {
    terminated: `${io.style('green', 'terminated')} ${who} at ${clean(ended.location)}, as ${clean(ended.as)}`,
    gone: `${who} at ${clean(ended.location)} had already ended; nothing to terminate`,
    'still-running': `${io.style('red', 'still running:')} ${who} at ${clean(ended.location)} was told to end but had not within ${formatDuration(TERMINATE_WAIT_MS)}; it ends at its next check for interrupts (a query in a C extension may not check)`,
  }[ended.outcome];
  io.out(`${line}\n`);
  return code;
}

function pidOf(text: string | undefined, env: string): number {
  const usage = `launchdb connections terminate PID --env ${env} (the pid from pg_stat_activity, or the console's Connections tab)`;
  if (text === undefined) throw new UsageError('which session? give its pid', { fix: usage });
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw new UsageError(`${text} is not a pid`, { fix: usage });
  }
  return Number(text);
}
