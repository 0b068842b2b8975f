// The console's commands as a user runs them: accounts from the CLI (never a default password, never
// a password in argv), and a console that refuses to serve beyond loopback without TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('launchdb console and console user', () => {
  let temp: TempProject;
  const cli = (args: string[], stdin?: string) =>
    runBin(args, { cwd: temp.dir, ...(stdin === undefined ? {} : { stdin }) });

  beforeAll(() => {
    temp = tempProject();
  });
  afterAll(() => temp?.remove());

  it('adds the first owner from stdin, lists accounts without their hashes, and refuses a duplicate', async () => {
    const added = await cli(
      ['console', 'user', 'add', 'ada@example.com', '--owner', '--password-stdin'],
      'correct horse battery\n',
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await cli(['console', 'user', 'list', '--json']);
    const accounts = JSON.parse(listed.stdout).accounts;
    expect(accounts).toEqual([expect.objectContaining({ name: 'ada@example.com', role: 'owner' })]);
    expect(listed.stdout).not.toMatch(/argon2|password_hash|passwordHash/);
    const again = await cli(
      ['console', 'user', 'add', 'ada@example.com', '--password-stdin'],
      'another long password\n',
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('refuses a short password, a missing one, an unknown role and an unknown account, each in one line', async () => {
    const short = await cli(['console', 'user', 'add', 'bob@example.com', '--password-stdin'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('shorter than 12');
    const noTerminal = await cli(['console', 'user', 'add', 'bob@example.com']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain('--password-stdin');
    const role = await cli(
      ['console', 'user', 'add', 'bob@example.com', '--role', 'admin', '--password-stdin'],
      'long enough password\n',
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('viewer, operator, owner');
    const unknown = await cli(['console', 'user', 'remove', 'nobody@example.com']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no console account nobody@example.com');
    for (const result of [short, noTerminal, role, unknown]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('will not serve beyond loopback without TLS, and says how', async () => {
    const result = await cli(['console', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('without TLS');
    expect(result.stderr).toContain('--tls-cert');
  });

  it('names an unreachable control database without its password (exit 3)', async () => {
    const port = await closedPort();
    const result = await cli([
      'console',
      'user',
      'list',
      '--control-url',
      `postgresql://ops:s3cret-pw@127.0.0.1:${port}/control`,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});
