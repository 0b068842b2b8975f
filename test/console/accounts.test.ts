// The project's log of console account changes: each change from the CLI (add, role, password,
// remove) is recorded with who made it, and owners see the accounts and the log in the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { accountOf, ConsoleClient, type ServedConsole, startTestConsole } from './console-helpers.js';

describe('console accounts and their log', () => {
  let temp: TempProject;
  let served: ServedConsole | undefined;
  const cli = (args: string[], stdin?: string) =>
    runBin(args, {
      cwd: temp.dir,
      env: { LAUNCHDB_ACTOR: 'grace@example.com' },
      ...(stdin === undefined ? {} : { stdin }),
    });

  beforeAll(() => {
    temp = tempProject();
  });
  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('records who added, changed and removed an account, and shows owners the log', async () => {
    const password = 'a password long enough\n';
    expect(
      (await cli(['console', 'user', 'add', 'bob@example.com', '--password-stdin'], password)).code,
    ).toBe(0);
    expect((await cli(['console', 'user', 'role', 'bob@example.com', '--role', 'operator'])).code).toBe(0);
    expect(
      (await cli(['console', 'user', 'password', 'bob@example.com', '--password-stdin'], password)).code,
    ).toBe(0);
    expect((await cli(['console', 'user', 'remove', 'bob@example.com'])).code).toBe(0);

    served = await startTestConsole(temp.dir);
    const owner = new ConsoleClient(served.url);
    await owner.signIn(accountOf('owner'));
    const page = await (await owner.get('/accounts')).text();
    const rows = [
      ...page.matchAll(/<tr><td>[^<]+<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><\/tr>/g),
    ]
      .map((match) => match.slice(1).join(' | '))
      .filter((row) => row.includes('bob@example.com'));
    expect(rows).toEqual([
      'grace@example.com | remove | bob@example.com',
      'grace@example.com | password | bob@example.com',
      'grace@example.com | role: operator | bob@example.com',
      'grace@example.com | add: viewer | bob@example.com',
    ]);
    expect(page).not.toMatch(/argon2/);
    const operator = new ConsoleClient(served.url);
    await operator.signIn(accountOf('operator'));
    expect((await operator.get('/accounts')).status).toBe(403);
    expect(await (await operator.get('/')).text()).not.toContain('href="/accounts"');
  });
});
