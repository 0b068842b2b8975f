// An action's button: a form posting to the action's route with the CSRF token and its fields, the
// cost beside it. Shown to the roles that may run it; the route refuses the others all the same.

import { actionKind } from '../actions/action-kinds.js';
import { roleAllows } from '../auth/roles.js';
import type { SignedIn } from '../console-context.js';

export function actionPath(env: string, action: string): string {
  return `/env/${encodeURIComponent(env)}/actions/${action}`;
}

export function ActionForm(props: {
  session: SignedIn;
  env: string;
  action: string;
  fields?: Record<string, string>;
  /** The button's words when the kind's label is not enough: `Terminate 4711`. */
  label?: string;
  /** Hide the cost: in a table row, one per row would be noise. */
  brief?: boolean;
}) {
  const kind = actionKind(props.action);
  if (!kind || !roleAllows(props.session.role, kind.role)) return null;
  return (
    <form method="post" action={actionPath(props.env, kind.name)} class="action">
      <input type="hidden" name="_csrf" value={props.session.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit">{props.label ?? kind.label}</button>
      {props.brief ? null : <span class="meta"> {kind.cost}</span>}
    </form>
  );
}
