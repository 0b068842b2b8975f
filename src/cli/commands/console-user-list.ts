// `launchdb console user list`: the console's accounts and roles (never their hashes).
import { listAccounts } from '../../console/auth/accounts.js';
import type { ExitCode } from '../../core/errors.js';
import { withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  return withConsoleControl<ExitCode>(input, io, 'console user list', async (control, project) => {
    const accounts = (await listAccounts(control.db, project.name)).map((account) => ({
      name: account.name,
      role: account.role,
      createdAt: account.createdAt.toISOString(),
      passwordChangedAt: account.passwordChangedAt.toISOString(),
    }));
    if (input.flags.json) {
      io.out(`${JSON.stringify({ project: project.name, accounts }, null, 2)}\n`);
      return 0;
    }
    if (accounts.length === 0) {
      io.out(
        `no console accounts for ${project.name}: add the first owner with \`launchdb console user add NAME --owner\`\n`,
      );
      return 0;
    }
    io.out(
      renderTable(
        accounts.map((account) => [
          account.name,
          account.role,
          account.createdAt.slice(0, 10),
          account.passwordChangedAt.slice(0, 16).replace('T', ' '),
        ]),
        { header: ['ACCOUNT', 'ROLE', 'SINCE', 'PASSWORD CHANGED'] },
      ),
    );
    return 0;
  });
}
