// GET /accounts: the console's accounts and the log of their changes, for owners only.
import { readAccountLog } from '../auth/account-log.js';
import { listAccounts } from '../auth/accounts.js';
import type { ConsoleRoute } from '../console-context.js';
import { AccountsView } from '../views/accounts-view.js';

export const accountsPage: ConsoleRoute = {
  method: 'GET',
  path: '/accounts',
  access: 'owner',
  async handle(c) {
    const { project, control } = c.var.deps;
    const [accounts, log] = await Promise.all([
      listAccounts(control.db, project.name),
      readAccountLog(control.db, project.name, 100),
    ]);
    return c.html(
      <AccountsView project={project.name} session={c.var.session!} accounts={accounts} log={log} />,
    );
  },
};
