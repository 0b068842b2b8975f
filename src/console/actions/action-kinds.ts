// What the console can do: each action is a launchdb command, run as the CLI runs it (nothing
// re-implemented), from the fields of the form that asks for it. A change to a guarded environment
// asks for its name to be typed and the password within the last 5 minutes before it runs, and the
// command gets `--confirm NAME` only then: the command's own guard still refuses without it.
import type { Role } from '../auth/roles.js';

export interface ActionKind {
  name: string;
  /** The button's words: `Run checks`. */
  label: string;
  /** The lowest console role that may run it. */
  role: Role;
  /** It changes the environment: on a guarded one it asks for the typed name and a recent password. */
  changes: boolean;
  /** What it costs, shown beside the button: expensive work runs only when asked. */
  cost: string;
  /** The command's words and flags after `launchdb`, without `--env`; or the field that is wrong. */
  argv(fields: Readonly<Record<string, string>>): string[] | { bad: string };
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;
/** An id of access.people: what `--person` takes. */
const PERSON_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

export const ACTION_KINDS: readonly ActionKind[] = [
  {
    name: 'check',
    label: 'Run checks',
    role: 'operator',
    changes: false,
    cost: 'every readiness check of the environment: seconds; drift builds a shadow database',
    argv: () => ['check'],
  },
  {
    name: 'backup',
    label: 'Take a backup',
    role: 'operator',
    changes: false,
    cost: 'reads every table: about as long as the backups before it took',
    argv: () => ['backup', 'create'],
  },
  {
    name: 'drill',
    label: 'Run a restore drill',
    role: 'operator',
    changes: false,
    cost: 'restores the newest backup into a scratch database and compares it: as long as a restore',
    argv: () => ['backup', 'drill'],
  },
  {
    name: 'approve',
    label: 'Approve',
    role: 'owner',
    changes: true,
    cost: "starts a person's access now",
    argv: (fields) =>
      POSITIVE_INTEGER.test(fields.request ?? '')
        ? ['access', 'approve', fields.request!]
        : { bad: 'request: the number of a pending access request' },
  },
  {
    name: 'revoke',
    label: 'Revoke',
    role: 'owner',
    changes: true,
    cost: "ends a person's access and their sessions now",
    argv: (fields) =>
      PERSON_ID.test(fields.person ?? '')
        ? ['access', 'revoke', '--person', fields.person!]
        : { bad: 'person: an id from access.people' },
  },
  {
    name: 'terminate',
    label: 'Terminate',
    role: 'operator',
    changes: true,
    cost: 'ends one session: its open transaction rolls back',
    argv: (fields) =>
      POSITIVE_INTEGER.test(fields.pid ?? '')
        ? ['connections', 'terminate', fields.pid!]
        : { bad: 'pid: the process id of a session' },
  },
];

export function actionKind(name: string): ActionKind | undefined {
  return ACTION_KINDS.find((kind) => kind.name === name);
}
