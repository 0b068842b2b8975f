// `launchdb console user role NAME --role ROLE`: a new role, which ends the account's sessions.

import { logAccountChange } from '../../console/auth/account-log.js';
import { setRole } from '../../console/auth/accounts.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { consoleActor, withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';
import { roleOf } from './console-user-add.js';
import { noSuchAccount } from './console-user-password.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const name = input.positionals[0];
  if (!name)
    throw new UsageError('which account? none was named', {
      fix: 'launchdb console user role NAME --role operator',
    });
  if (!input.flags.role && !input.flags.owner)
    throw new UsageError('which role? give --role viewer|operator|owner');
  const role = roleOf(input);
  return withConsoleControl<ExitCode>(input, io, 'console user role', async (control, project) => {
    if (!(await setRole(control.db, project.name, name, role))) throw noSuchAccount(name);
    await logAccountChange(control.db, project.name, {
      actor: consoleActor(project),
      change: 'role',
      account: name,
      detail: role,
    });
    io.out(`${name} is now ${role}; its sessions have ended (it signs in again with the new role)\n`);
    return 0;
  });
}
