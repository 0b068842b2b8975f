// The console's actions, served as users run it (`launchdb console`, a process whose actions start
// launchdb commands): an action runs the CLI's own command as the signed-in account, its output
// streams over server-sent events and resumes after the last line seen (Last-Event-ID); a viewer is
// refused; a change to a guarded environment runs only with its name typed and the password given
// within 5 minutes, and nothing starts before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, queryAt, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { accountOf, ConsoleClient, PASSWORD } from './console-helpers.js';
import { type ConsoleProcess, startConsoleProcess } from './console-process.js';

interface Event {
  id?: string;
  event?: string;
  data: string;
}

/** Reads a server-sent event stream to its `end` event (or until `limit` events). */
async function readEvents(response: Response, limit = Number.POSITIVE_INFINITY): Promise<Event[]> {
  const events: Event[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (events.length < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0 && events.length < limit) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: Event = { data: '' };
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') event.data += value;
        }
        events.push(event);
        if (event.event === 'end') return events;
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}

const CONTROLS = serverAvailable ? (['embedded', 'server'] as const) : (['embedded'] as const);

describe.each(CONTROLS)('console actions, control database %s', (control) => {
  const database = uniqueName('ldbk');
  const controlUrl = control === 'server' ? serverUrlFor(database) : undefined;
  let temp: TempProject;
  let served: ConsoleProcess;

  beforeAll(async () => {
    temp = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} }, production: { postgres: {} } }, access: { people: { ada: { name: 'Ada', email: 'ada@example.com' } } } }`,
    );
    temp.write('.env', 'LAUNCHDB_BACKUP_KEY=a long backup key for the tests 0123456789\n');
    for (const env of ['development', 'production']) {
      const attached = await runCli(['attach', 'postgres', '--env', env, '--confirm', env], {
        cwd: temp.dir,
      });
      expect(attached.code, attached.stderr).toBe(0);
    }
    if (controlUrl) await adminQuery(`create database ${database}`);
    served = await startConsoleProcess(temp.dir, controlUrl ? { controlUrl } : {});
  });

  afterAll(async () => {
    await served?.stop();
    temp?.remove();
    if (controlUrl) await adminQuery(`drop database if exists ${database} with (force)`);
  });

  async function signedIn(role: 'viewer' | 'operator' | 'owner'): Promise<ConsoleClient> {
    const client = new ConsoleClient(served.url);
    expect((await client.signIn(accountOf(role))).status).toBe(303);
    return client;
  }

  async function start(
    client: ConsoleClient,
    env: string,
    action: string,
    fields: Record<string, string> = {},
  ) {
    return client.post(`/env/${env}/actions/${action}`, { _csrf: await client.csrf(), ...fields });
  }

  it('runs checks as the account, streams the output to its end, and resumes after the last line seen', async () => {
    const operator = await signedIn('operator');
    const started = await start(operator, 'development', 'check');
    expect(started.status).toBe(303);
    const page = started.headers.get('location')!;
    expect(page).toMatch(/^\/actions\/[\w-]+$/);

    const events = await readEvents(await operator.get(`${page}/events`));
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    const lines = events.filter((event) => event.event === 'line');
    const text = lines.map((event) => JSON.parse(event.data).line).join('\n');
    expect(text).toMatch(/READY|NOT READY/);
    expect(lines.map((event) => Number(event.id))).toEqual(lines.map((_, i) => i + 1));

    // Resumed after line 3: the browser sends Last-Event-ID; it gets line 4 on, then the end.
    const resumed = await readEvents(
      await fetch(`${served.url}${page}/events`, {
        headers: { cookie: `launchdb_session=${operator.cookie}`, 'last-event-id': '3' },
      }),
    );
    expect(resumed.filter((event) => event.event === 'line').map((event) => event.id)).toEqual(
      lines.slice(3).map((event) => event.id),
    );
    expect(resumed.at(-1)).toEqual(end);

    // The page shows the whole output and how it ended; the check was recorded as the account.
    const html = await (await operator.get(page)).text();
    expect(html).toContain('launchdb check --env development');
    expect(html).toContain(accountOf('operator'));
    const runs = await (await operator.get('/env/development')).text();
    expect(runs).toMatch(new RegExp(`<td>${accountOf('operator')}</td>`));
    // While the console holds its embedded control database, the CLI reads it through the console's port.
    if (control === 'embedded') {
      const history = await runCli(['history', '--env', 'development', '--json'], { cwd: temp.dir });
      expect(history.stderr).toBe('');
      expect(history.stdout).toContain(accountOf('operator'));
    }
  });

  // One console holds an embedded control database: what it left running when it died is ended.
  it.runIf(control === 'embedded')('ends the actions a console left running when it died', async () => {
    const operator = await signedIn('operator');
    const started = await start(operator, 'development', 'check');
    const page = started.headers.get('location')!;
    await served.stop('SIGKILL');
    served = await startConsoleProcess(temp.dir);
    const again = await signedIn('operator');
    const html = await (await again.get(page)).text();
    expect(html).toMatch(/failed after [\d.]+ s: the console stopped while it ran/);
  });

  it('refuses a viewer, and a form without its token', async () => {
    const viewer = await signedIn('viewer');
    const refused = await viewer.post('/env/development/actions/check', { _csrf: await viewer.csrf() });
    expect(refused.status).toBe(403);
    const operator = await signedIn('operator');
    expect((await operator.post('/env/development/actions/check', {})).status).toBe(403);
    expect((await start(operator, 'nowhere', 'check')).status).toBe(404);
    expect((await start(operator, 'development', 'format-disk')).status).toBe(404);
    const missing = await start(operator, 'development', 'terminate', { pid: 'all' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('pid: the process id of a session');
  });

  // The password is asked again only after 5 minutes: the session's are made older in the control database.
  it.runIf(control === 'server')(
    'changes a guarded environment only with its name typed and the password given within 5 minutes',
    async () => {
      // Access is the owners' to change: an operator is refused before anything is asked.
      const operator = await signedIn('operator');
      expect((await start(operator, 'production', 'revoke', { person: 'ada' })).status).toBe(403);
      const owner = await signedIn('owner');
      await queryAt(
        controlUrl!,
        `update launchdb_control.console_sessions set reauthenticated_at = now() - interval '6 minutes'`,
      );
      const listed = async () =>
        (await (await owner.get('/actions')).text()).match(/\/actions\/[\w-]+"/g)?.length ?? 0;
      const before = await listed();

      // Asked: a page that says what would run, with the name to type and the password.
      const asked = await start(owner, 'production', 'revoke', { person: 'ada' });
      expect(asked.status).toBe(200);
      const form = await asked.text();
      expect(form).toContain('launchdb access revoke --person ada --env production');
      expect(form).toContain('name="confirm"');
      expect(form).toContain('name="password"');

      const wrongName = await start(owner, 'production', 'revoke', {
        person: 'ada',
        confirm: 'prod',
        password: PASSWORD,
      });
      expect(wrongName.status).toBe(400);
      expect(await wrongName.text()).toContain('Type production exactly to confirm; nothing was changed.');
      const wrongPassword = await start(owner, 'production', 'revoke', {
        person: 'ada',
        confirm: 'production',
        password: 'not my password at all',
      });
      expect(wrongPassword.status).toBe(403);
      expect(await listed()).toBe(before);

      const confirmed = await start(owner, 'production', 'revoke', {
        person: 'ada',
        confirm: 'production',
        password: PASSWORD,
      });
      expect(confirmed.status).toBe(303);
      const page = confirmed.headers.get('location')!;
      await readEvents(await owner.get(`${page}/events`));
      const html = await (await owner.get(page)).text();
      expect(html).toContain('launchdb access revoke --person ada --env production --confirm production');
      expect(html).not.toContain('without confirmation');

      // Within 5 minutes, the typed name is enough: no password asked again.
      const again = await start(owner, 'production', 'revoke', { person: 'ada' });
      expect(await again.text()).not.toContain('name="password"');
    },
  );
});
