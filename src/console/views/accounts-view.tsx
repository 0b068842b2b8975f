// The console's accounts and who changed them: for owners. Accounts are changed from the CLI (the
// commands are shown), where the first owner is made: the console never has a default password.
import type { AccountLogEntry } from '../auth/account-log.js';
import type { Account } from '../auth/accounts.js';
import type { SignedIn } from '../console-context.js';
import { Layout } from './layout.js';
import { utc } from './utc.js';

export function AccountsView(props: {
  project: string;
  session: SignedIn;
  accounts: Account[];
  log: AccountLogEntry[];
}) {
  return (
    <Layout project={props.project} title="Accounts" session={props.session}>
      <h1>Console accounts</h1>
      <table>
        <thead>
          <tr>
            <th>account</th>
            <th>role</th>
            <th>added (UTC)</th>
            <th>password changed (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((account) => (
            <tr>
              <td>{account.name}</td>
              <td>{account.role}</td>
              <td>{utc(account.createdAt)}</td>
              <td>{utc(account.passwordChangedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="meta">
        Change them from the CLI: <code>launchdb console user add NAME --role operator</code>,{' '}
        <code>console user role NAME --role viewer</code>, <code>console user password NAME</code>,{' '}
        <code>console user remove NAME</code>. A new role or password ends the account's sessions.
      </p>
      <h2>Changes</h2>
      {props.log.length === 0 ? (
        <p class="meta">No account has been changed since the log began.</p>
      ) : (
        <table id="account-log">
          <thead>
            <tr>
              <th>when (UTC)</th>
              <th>by</th>
              <th>change</th>
              <th>account</th>
            </tr>
          </thead>
          <tbody>
            {props.log.map((entry) => (
              <tr>
                <td>{utc(entry.at)}</td>
                <td>{entry.actor}</td>
                <td>{entry.detail ? `${entry.change}: ${entry.detail}` : entry.change}</td>
                <td>{entry.account}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
