// `launchdb console user password NAME`: a new password, which signs the account out everywhere.

import { logAccountChange } from '../../console/auth/account-log.js';
import { setPassword } from '../../console/auth/accounts.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { consoleActor, withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import { readNewPassword } from '../read-password.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const name = input.positionals[0];
  if (!name)
    throw new UsageError('which account? none was named', { fix: 'launchdb console user password NAME' });
  const password = await readNewPassword(input, `new password for ${name}`);
  return withConsoleControl<ExitCode>(input, io, 'console user password', async (control, project) => {
    if (!(await setPassword(control.db, project.name, name, password))) throw noSuchAccount(name);
    await logAccountChange(control.db, project.name, {
      actor: consoleActor(project),
      change: 'password',
      account: name,
    });
    io.out(`changed the password of ${name}; its sessions have ended\n`);
    return 0;
  });
}

export function noSuchAccount(name: string): UsageError {
  return new UsageError(`there is no console account ${name}`, {
    fix: 'see the accounts with `launchdb console user list`',
  });
}
