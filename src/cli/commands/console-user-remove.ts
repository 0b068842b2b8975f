// `launchdb console user remove NAME`: the account and its sessions are gone.

import { logAccountChange } from '../../console/auth/account-log.js';
import { removeAccount } from '../../console/auth/accounts.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { consoleActor, withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';
import { noSuchAccount } from './console-user-password.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const name = input.positionals[0];
  if (!name)
    throw new UsageError('which account? none was named', { fix: 'launchdb console user remove NAME' });
  return withConsoleControl<ExitCode>(input, io, 'console user remove', async (control, project) => {
    if (!(await removeAccount(control.db, project.name, name))) throw noSuchAccount(name);
    await logAccountChange(control.db, project.name, {
      actor: consoleActor(project),
      change: 'remove',
      account: name,
    });
    io.out(`removed console account ${name}; its sessions have ended\n`);
    return 0;
  });
}
