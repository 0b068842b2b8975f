// Console sign-in and sessions on a real HTTP server: one generic error, throttling, tokens stored
// only as hashes, idle and absolute limits, rotation at sign-in, sessions ended by a new password
// or role, CSRF and origin checks on changes, security headers, and pages that never show a stack.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword, setRole } from '../../src/console/auth/accounts.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import {
  accountOf,
  ConsoleClient,
  PASSWORD,
  type ServedConsole,
  startTestConsole,
} from './console-helpers.js';

describe('console sign-in and sessions', () => {
  let temp: TempProject;
  let served: ServedConsole;
  const sql = (text: string, params: unknown[] = []) => served.control.db.query(text, params);

  beforeAll(async () => {
    temp = tempProject();
    served = await startTestConsole(temp.dir);
  });

  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('answers a wrong password and an unknown account alike, and signs in with the right one', async () => {
    const client = new ConsoleClient(served.url);
    const wrong = await client.signIn(accountOf('viewer'), 'not the password at all');
    const unknown = await client.signIn('nobody@example.com', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (page: string) => page.match(/role="alert">([^<]*)</)?.[1];
    expect(message(await wrong.text())).toBe(message(await unknown.text()));
    const right = await client.signIn(accountOf('viewer'));
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // The database holds the token's hash, never the token.
    const { rows } = await sql('select token_hash from launchdb_control.console_sessions');
    const hashes = rows.map((row) => (row as { token_hash: string }).token_hash);
    expect(hashes).toContain(createHash('sha256').update(client.cookie!).digest('hex'));
    expect(hashes).not.toContain(client.cookie);
    expect((await client.get('/')).status).toBe(200);
  });

  it('never redirects a sign-in to another site', async () => {
    const client = new ConsoleClient(served.url);
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await client.post('/sign-in', {
        account: accountOf('viewer'),
        password: PASSWORD,
        next,
      });
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('refuses a tampered cookie, and ends sessions idle 30 minutes or older than 12 hours', async () => {
    const client = new ConsoleClient(served.url);
    await client.signIn(accountOf('viewer'));
    const token = client.cookie!;
    client.cookie = `${token.slice(0, -2)}xx`;
    expect((await client.get('/')).status).toBe(303);
    client.cookie = token;
    expect((await client.get('/')).status).toBe(200);
    const hash = createHash('sha256').update(token).digest('hex');
    await sql(
      `update launchdb_control.console_sessions set last_seen_at = now() - interval '31 minutes' where token_hash = $1`,
      [hash],
    );
    expect((await client.get('/')).status).toBe(303);
    await client.signIn(accountOf('viewer'));
    const fresh = createHash('sha256').update(client.cookie!).digest('hex');
    await sql(
      `update launchdb_control.console_sessions set created_at = now() - interval '13 hours' where token_hash = $1`,
      [fresh],
    );
    expect((await client.get('/')).status).toBe(303);
  });

  it('gives a new session at sign-in, ending the one the browser had', async () => {
    const client = new ConsoleClient(served.url);
    await client.signIn(accountOf('viewer'));
    const before = client.cookie!;
    await client.signIn(accountOf('operator'));
    expect(client.cookie).not.toBe(before);
    const old = new ConsoleClient(served.url);
    old.cookie = before;
    expect((await old.get('/')).status).toBe(303);
  });

  it('ends every session of an account when its password or role changes', async () => {
    const a = new ConsoleClient(served.url);
    const b = new ConsoleClient(served.url);
    await a.signIn(accountOf('operator'));
    await b.signIn(accountOf('operator'));
    await setPassword(served.control.db, served.project.name, accountOf('operator'), PASSWORD);
    expect((await a.get('/')).status).toBe(303);
    expect((await b.get('/')).status).toBe(303);
    await a.signIn(accountOf('operator'));
    await setRole(served.control.db, served.project.name, accountOf('operator'), 'operator');
    expect((await a.get('/')).status).toBe(303);
  });

  it('refuses a change without the CSRF token or from another origin', async () => {
    const client = new ConsoleClient(served.url);
    await client.signIn(accountOf('viewer'));
    const csrf = await client.csrf();
    expect((await client.post('/sign-out', {})).status).toBe(403);
    expect((await client.post('/sign-out', { _csrf: 'forged' })).status).toBe(403);
    expect((await client.post('/sign-out', { _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await client.get('/')).status).toBe(200);
    expect((await client.post('/sign-out', { _csrf: csrf })).status).toBe(303);
    expect((await client.get('/')).status).toBe(303);
  });

  it('throttles an account after 5 failures, even for the right password, and says when to retry', async () => {
    const client = new ConsoleClient(served.url);
    for (let i = 0; i < 5; i++)
      expect((await client.signIn(accountOf('owner'), 'wrong password!')).status).toBe(401);
    const blocked = await client.signIn(accountOf('owner'));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not locked out by the first one's failures.
    expect((await client.signIn(accountOf('viewer'))).status).toBe(303);
    await sql(`delete from launchdb_control.console_login_failures`);
  });

  it('sends security headers, and answers a bad request with a page, never a stack', async () => {
    const client = new ConsoleClient(served.url);
    const page = await client.get('/sign-in');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const missing = await client.post('/sign-in', { account: accountOf('viewer') });
    expect(missing.status).toBe(400);
    const notFound = await client.get('/no/such/page');
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});

describe('console sessions kept for a moment', () => {
  let temp: TempProject;
  let served: ServedConsole;
  let quick: ServedConsole;

  beforeAll(async () => {
    temp = tempProject();
    served = await startTestConsole(temp.dir, { cacheMs: 60_000 });
    // A second instance on the same (embedded) control database, keeping sessions for 300 ms.
    quick = await startTestConsole(temp.dir, { accounts: false, cacheMs: 300, control: served.control });
  });

  afterAll(async () => {
    await quick?.close();
    await served?.close();
    temp?.remove();
  });

  it('stops serving a session ended elsewhere within two keeping times', async () => {
    const client = new ConsoleClient(quick.url);
    await client.signIn(accountOf('viewer'));
    expect((await client.get('/')).status).toBe(200);
    await quick.control.db.query('delete from launchdb_control.console_sessions');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await client.get('/')).status).toBe(303);
  });

  it('serves a kept session without the database, yet ends it at once when signed out here', async () => {
    const client = new ConsoleClient(served.url);
    await client.signIn(accountOf('viewer'));
    expect((await client.get('/')).status).toBe(200);
    // Gone from the database (as when another instance ended it): this instance still has it kept.
    await served.control.db.query('delete from launchdb_control.console_sessions');
    expect((await client.get('/')).status).toBe(200);
    await client.signIn(accountOf('viewer'));
    const csrf = await client.csrf();
    const token = client.cookie;
    expect((await client.post('/sign-out', { _csrf: csrf })).status).toBe(303);
    const old = new ConsoleClient(served.url);
    old.cookie = token;
    expect((await old.get('/')).status).toBe(303);
  });
});
