// Before a change to a guarded environment: what will run, the environment's name to type, and the
// password when it was not typed in the last 5 minutes. Nothing has changed yet.
import type { SignedIn } from '../console-context.js';
import { Layout } from './layout.js';

export function ConfirmView(props: {
  project: string;
  session: SignedIn;
  env: string;
  path: string;
  label: string;
  command: string;
  cost: string;
  fields: Record<string, string>;
  askPassword: boolean;
  error?: string | undefined;
}) {
  return (
    <Layout project={props.project} title={`Confirm · ${props.env}`} session={props.session}>
      <h1>
        {props.label} in {props.env} <span class="badge guarded">guarded</span>
      </h1>
      <p>
        This changes the guarded environment <strong>{props.env}</strong>: <code>{props.command}</code> (
        {props.cost}). Nothing has changed yet.
      </p>
      {props.error ? (
        <p role="alert" class="error">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={props.path} class="stacked">
        <input type="hidden" name="_csrf" value={props.session.csrf} />
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <label>
          Type <code>{props.env}</code> to confirm
          <input name="confirm" autocomplete="off" required />
        </label>
        {props.askPassword ? (
          <label>
            Your password (asked again every 5 minutes for a guarded change)
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
        ) : null}
        <button type="submit">{props.label}</button>
      </form>
      <p>
        <a href={`/env/${encodeURIComponent(props.env)}`}>Cancel</a>
      </p>
    </Layout>
  );
}
