// One action: the command, who ran it, how it stands, and its output, followed live while it runs
// (/assets/action-stream.js, over server-sent events).

import { launchdbCommand } from '../../core/shell-quote.js';
import type { ActionLine, ActionRecord } from '../actions/action-log.js';
import { actionOutcome } from '../actions/action-outcome.js';
import type { SignedIn } from '../console-context.js';
import { Layout } from './layout.js';
import { utc } from './utc.js';

export function ActionView(props: {
  project: string;
  session: SignedIn;
  action: ActionRecord;
  lines: ActionLine[];
}) {
  const { action, lines } = props;
  const outcome = actionOutcome(action);
  const running = outcome.outcome === 'running';
  const after = lines.at(-1)?.seq ?? 0;
  return (
    <Layout
      project={props.project}
      title={`${action.action} · ${action.environment}`}
      session={props.session}
      scripts={running ? ['/assets/action-stream.js'] : []}
    >
      <p>
        <a href={`/env/${encodeURIComponent(action.environment)}`}>{action.environment}</a> ·{' '}
        <a href="/actions">Actions</a>
      </p>
      <h1>
        <code>{launchdbCommand(action.argv)}</code>
      </h1>
      <p class="meta">
        by {action.account}, started {utc(action.startedAt)} UTC
      </p>
      <p id="action-status" class={`action-status ${outcome.outcome}`} role="status">
        {outcome.text}
      </p>
      <pre
        id="action-output"
        class="output"
        data-stream={running ? `/actions/${action.id}/events` : undefined}
        data-after={String(after)}
      >
        {lines.map((line) => (
          <span class={line.stream === 'stderr' ? 'stderr' : undefined}>{`${line.line}\n`}</span>
        ))}
      </pre>
    </Layout>
  );
}

export function ActionsView(props: { project: string; session: SignedIn; actions: ActionRecord[] }) {
  return (
    <Layout project={props.project} title="Actions" session={props.session}>
      <h1>Actions</h1>
      {props.actions.length === 0 ? (
        <p class="meta">No action has been run from the console yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>started (UTC)</th>
              <th>environment</th>
              <th>command</th>
              <th>by</th>
              <th>outcome</th>
            </tr>
          </thead>
          <tbody>
            {props.actions.map((action) => (
              <tr>
                <td>
                  <a href={`/actions/${action.id}`}>{utc(action.startedAt)}</a>
                </td>
                <td>{action.environment}</td>
                <td>
                  <code>{launchdbCommand(action.argv)}</code>
                </td>
                <td>{action.account}</td>
                <td>{actionOutcome(action).text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
