// The console's actions: start one (POST /env/:env/actions/:action), watch it (GET /actions/:id),
// follow its output as server-sent events (GET /actions/:id/events, resumable with Last-Event-ID),
// and the newest ones (GET /actions). Each runs the launchdb command its CLI runs, as the account.
import { streamSSE } from 'hono/streaming';
import { launchdbCommand } from '../../core/shell-quote.js';
import { actionKind } from '../actions/action-kinds.js';
import { readAction, readLines, recentActions } from '../actions/action-log.js';
import { actionOutcome } from '../actions/action-outcome.js';
import { runAction } from '../actions/run-action.js';
import { reauthenticate } from '../auth/reauthenticate.js';
import { roleAllows } from '../auth/roles.js';
import { readSession } from '../auth/sessions.js';
import { clientAddress } from '../client-address.js';
import type { ConsoleContext, ConsoleRoute } from '../console-context.js';
import { actionPath } from '../views/action-form.js';
import { ActionsView, ActionView } from '../views/action-view.js';
import { ConfirmView } from '../views/confirm-view.js';
import { MessageView } from '../views/message-view.js';
import { environmentOf } from './environment-route.js';

/** A stream with nothing new re-reads the control database this often (news on this instance wakes it at once). */
const POLL_MS = 1_000;

export const startActionRoute: ConsoleRoute = {
  method: 'POST',
  path: '/env/:env/actions/:action',
  access: 'operator',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project, control } = c.var.deps;
    const session = c.var.session!;
    const kind = actionKind(c.req.param('action') ?? '');
    if (!kind)
      return message(c, 404, 'No such action', `The console has no action "${c.req.param('action')}".`);
    // The route lets operators in; an action of a higher role (access) is refused here, before anything.
    if (!roleAllows(session.role, kind.role)) {
      return message(
        c,
        403,
        'Not allowed',
        `${kind.label} needs the ${kind.role} role; ${session.account} is a ${session.role}.`,
      );
    }
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    // The action's own fields, passed on to a confirmation page as they came.
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(form)) {
      if (typeof value === 'string' && !['_csrf', 'confirm', 'password'].includes(name)) fields[name] = value;
    }
    const words = kind.argv(fields);
    if ('bad' in words) return message(c, 400, 'Missing or wrong field', `The form needs ${words.bad}.`);
    const argv = [...words, '--env', env.name, ...(c.var.deps.commands?.argv ?? [])];

    if (env.guarded && kind.changes) {
      const fresh = await readSession(control.db, project.name, session.token);
      const confirmPage = (status: 200 | 400 | 403 | 429, error?: string) =>
        c.html(
          <ConfirmView
            project={project.name}
            session={session}
            env={env.name}
            path={actionPath(env.name, kind.name)}
            label={kind.label}
            command={launchdbCommand(argv)}
            cost={kind.cost}
            fields={fields}
            askPassword={!fresh?.recentlyAuthenticated}
            error={error}
          />,
          status,
        );
      const confirm = text('confirm');
      if (confirm === undefined) return confirmPage(200);
      if (confirm.trim() !== env.name) {
        return confirmPage(400, `Type ${env.name} exactly to confirm; nothing was changed.`);
      }
      if (!fresh?.recentlyAuthenticated) {
        const password = text('password');
        if (!password) return confirmPage(400, 'Enter your password; nothing was changed.');
        const outcome = await reauthenticate(control.db, project.name, {
          account: session.account,
          token: session.token,
          password,
          address: clientAddress(c),
        });
        if (!outcome.ok && outcome.reason === 'throttled') {
          c.header('Retry-After', String(outcome.retryAfterS));
          return confirmPage(
            429,
            `Too many wrong passwords: try again in ${Math.ceil(outcome.retryAfterS / 60)} min.`,
          );
        }
        if (!outcome.ok) return confirmPage(403, 'Wrong password; nothing was changed.');
      }
      argv.push('--confirm', env.name);
    }
    const id = await runAction(
      control.db,
      c.var.state.actions,
      {
        project: project.name,
        environment: env.name,
        action: kind.name,
        argv,
        account: session.account,
        cwd: project.root,
        env: c.var.deps.commands?.env ?? {},
      },
      c.var.deps.log,
    );
    return c.redirect(`/actions/${id}`, 303);
  },
};

export const actionPage: ConsoleRoute = {
  method: 'GET',
  path: '/actions/:id',
  access: 'viewer',
  async handle(c) {
    const { project, control } = c.var.deps;
    const action = await readAction(control.db, project.name, c.req.param('id') ?? '');
    if (!action) return message(c, 404, 'No such action', 'There is no action with this id in this project.');
    const lines = await readLines(control.db, action.id, 0);
    return c.html(
      <ActionView project={project.name} session={c.var.session!} action={action} lines={lines} />,
    );
  },
};

export const actionEvents: ConsoleRoute = {
  method: 'GET',
  path: '/actions/:id/events',
  access: 'viewer',
  async handle(c) {
    const { project, control } = c.var.deps;
    const id = c.req.param('id') ?? '';
    if (!(await readAction(control.db, project.name, id))) {
      return message(c, 404, 'No such action', 'There is no action with this id in this project.');
    }
    // The browser resends the last id it saw when it reconnects; a page starts after what it shows.
    let after = lineNumber(c.req.header('last-event-id')) ?? lineNumber(c.req.query('after')) ?? 0;
    const stopped = new AbortController();
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => stopped.abort());
      while (!stopped.signal.aborted) {
        const action = await readAction(control.db, project.name, id);
        const lines = await readLines(control.db, id, after);
        for (const line of lines) {
          await stream.writeSSE({
            id: String(line.seq),
            event: 'line',
            data: JSON.stringify({ stream: line.stream, line: line.line }),
          });
          after = line.seq;
        }
        // Ended before its lines were read: every line is in, so the stream can end.
        if (action?.endedAt) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify(actionOutcome(action)) });
          return;
        }
        if (lines.length === 0) await c.var.state.actions.next(id, POLL_MS, stopped.signal);
      }
    });
  },
};

export const actionsPage: ConsoleRoute = {
  method: 'GET',
  path: '/actions',
  access: 'viewer',
  async handle(c) {
    const { project, control } = c.var.deps;
    const actions = await recentActions(control.db, project.name, { limit: 100 });
    return c.html(<ActionsView project={project.name} session={c.var.session!} actions={actions} />);
  },
};

function lineNumber(value: string | undefined): number | undefined {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

function message(c: ConsoleContext, status: 400 | 403 | 404, title: string, text: string) {
  return c.html(
    <MessageView project={c.var.deps.project.name} title={title} message={text} session={c.var.session} />,
    status,
  );
}
