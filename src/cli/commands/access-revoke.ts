// `launchdb access revoke`: a person's access ends now. What their role owned goes to
// launchdb_orphans, grants made to it are dropped, its sessions ended and the role dropped; anything
// still depending on it elsewhere is named (exit 1), and the role stays whole, unable to log in.
import { personOf } from '../../core/config/people.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { ORPHANS_ROLE, roleExists } from '../../stores/postgres/access/grants/end-personal-role.js';
import { revokePersonalAccess } from '../../stores/postgres/access/grants/revoke-personal-access.js';
import { personalRoleName } from '../../stores/postgres/provision/roles.js';
import { accessServer, leftoverLines, openAdminFor } from '../access-context.js';
import { stringFlag } from '../args.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { clean } from '../render/report-terminal.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { project, env } = context;
  const person = stringFlag(input, 'person');
  if (person === undefined || !/^[a-z][a-z0-9_]*$/.test(person)) {
    throw new UsageError(
      person === undefined ? '--person is required' : `--person ${person} is not a person id`,
      {
        fix: `launchdb access revoke --env ${env.name} --person ada (an id from access.people)`,
      },
    );
  }
  const target = accessServer(env, 'revoke');
  const role = personalRoleName(target.database, person);
  const noAccess = () => {
    const declared = personOf(project.config, person) !== undefined;
    return new UsageError(
      `${person} has no personal access to environment ${env.name} (no role ${role})${declared ? '' : `, and "${person}" is not a person in access.people`}; nothing was changed`,
      { fix: `\`launchdb access list --env ${env.name}\` shows who has access` },
    );
  };
  const admin = await openAdminFor(context, target, 'revoke');
  let revocation: Awaited<ReturnType<typeof revokePersonalAccess>>;
  try {
    // Asked before the confirmation, so a revoke of nobody is one line; asked again under the lock.
    if (!(await roleExists(admin.db, role))) throw noAccess();
    await confirmChange(env, input, io, `postgres: personal role ${role} at ${admin.location}`);
    revocation = await revokePersonalAccess(admin, target.database, person);
  } finally {
    await admin.db.close();
  }
  if (!revocation) throw noAccess();
  noteAuditDetails(input, {
    role: revocation.role,
    person: revocation.person,
    dropped: revocation.dropped,
    sessionsEnded: revocation.sessionsEnded,
    requests: revocation.requests,
    leftovers: revocation.leftovers.map((leftover) => ({ ...leftover })),
  });
  if (input.flags.json) {
    io.out(`${JSON.stringify({ environment: env.name, ...revocation }, null, 2)}\n`);
    return revocation.dropped ? 0 : 1;
  }
  const sessions = revocation.sessionsEnded > 0 ? `, ${revocation.sessionsEnded} session(s) ended` : '';
  if (revocation.dropped) {
    io.out(
      `${io.style('green', 'revoked')} ${person}'s access to ${clean(revocation.location)}: login taken${sessions}, what role ${clean(role)} owned now belongs to ${ORPHANS_ROLE}, grants to it dropped, role dropped\n`,
    );
    return 0;
  }
  io.out(
    [
      `${io.style('red', 'not dropped:')} role ${clean(role)} can no longer log in${sessions}, but it cannot be dropped; still depending on it:`,
      ...leftoverLines(revocation.leftovers),
      `move or drop each (from a session in that database: \`REASSIGN OWNED BY ${role} TO ${ORPHANS_ROLE}; DROP OWNED BY ${role}\`), then run \`launchdb access revoke --env ${env.name} --person ${person}\` again`,
      '',
    ].join('\n'),
  );
  return 1;
}
