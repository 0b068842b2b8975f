// Two console instances on one server control database, as a team runs them behind a load
// balancer: a session made on one works on the other, and throttling holds across both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import {
  accountOf,
  ConsoleClient,
  PASSWORD,
  type ServedConsole,
  startTestConsole,
} from './console-helpers.js';

describe.skipIf(!serverAvailable)('two consoles sharing a control database', () => {
  const database = uniqueName('ldbk');
  let temp: TempProject;
  let first: ServedConsole;
  let second: ServedConsole;

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    temp = tempProject();
    const controlUrl = serverUrlFor(database);
    first = await startTestConsole(temp.dir, { controlUrl });
    second = await startTestConsole(temp.dir, { controlUrl, accounts: false });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    temp?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('accepts on one instance the session made on the other, and signs it out on both', async () => {
    const browser = new ConsoleClient(first.url);
    expect((await browser.signIn(accountOf('viewer'))).status).toBe(303);
    const elsewhere = new ConsoleClient(second.url);
    elsewhere.cookie = browser.cookie;
    expect((await elsewhere.get('/')).status).toBe(200);
    const csrf = await elsewhere.csrf();
    expect((await elsewhere.post('/sign-out', { _csrf: csrf })).status).toBe(303);
    expect((await browser.get('/')).status).toBe(303);
  });

  it('counts failed sign-ins on both instances together', async () => {
    const a = new ConsoleClient(first.url);
    const b = new ConsoleClient(second.url);
    for (let i = 0; i < 3; i++)
      expect((await a.signIn(accountOf('owner'), 'wrong password!')).status).toBe(401);
    for (let i = 0; i < 2; i++)
      expect((await b.signIn(accountOf('owner'), 'wrong password!')).status).toBe(401);
    expect((await a.signIn(accountOf('owner'), PASSWORD)).status).toBe(429);
    expect((await b.signIn(accountOf('owner'), PASSWORD)).status).toBe(429);
  });
});
