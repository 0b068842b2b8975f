// `launchdb console user add NAME --role ROLE`: a console account; the first owner comes from here,
// since the console never has a default password.

import { logAccountChange } from '../../console/auth/account-log.js';
import { addAccount } from '../../console/auth/accounts.js';
import { isRole, ROLES, type Role } from '../../console/auth/roles.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { stringFlag } from '../args.js';
import { consoleActor, withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import { readNewPassword } from '../read-password.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const name = input.positionals[0];
  if (!name) {
    throw new UsageError('which account? none was named', {
      fix: 'launchdb console user add ada@example.com --role owner',
    });
  }
  const role = roleOf(input);
  const password = await readNewPassword(input, `password for ${name}`);
  return withConsoleControl<ExitCode>(input, io, 'console user add', async (control, project) => {
    await addAccount(control.db, project.name, { name, role, password });
    await logAccountChange(control.db, project.name, {
      actor: consoleActor(project),
      change: 'add',
      account: name,
      detail: role,
    });
    io.out(
      `added console account ${name} (${role}) to ${project.name}'s control database ${control.location}\n`,
    );
    return 0;
  });
}

export function roleOf(input: CommandInput): Role {
  if (input.flags.owner) return 'owner';
  const role = stringFlag(input, 'role') ?? 'viewer';
  if (!isRole(role)) {
    throw new UsageError(`--role ${role} is not a console role`, { fix: `use one of ${ROLES.join(', ')}` });
  }
  return role;
}
