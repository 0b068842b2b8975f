import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeAll(() => {
  project = tempProject(`{
    project: '{project}',
    environments: {
      development: { postgres: {} },
      refused: { postgres: { url: 'postgresql://app:hunter2secret@127.0.0.1:1/shop' } },
      silent: { postgres: { url: env('SILENT_URL') } },
    },
  }`);
});
afterAll(() => project.remove());

describe('bad input', () => {
  it('prints --version and --help', async () => {
    const version = await runCli(['--version'], { cwd: project.dir });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(['--help'], { cwd: project.dir });
    for (const command of COMMANDS) expect(help.stdout).toContain(command.name);
  });

  it('explains every command with its flags and an example', async () => {
    for (const command of COMMANDS) {
      const result = await runCli([...command.name.split(' '), '--help'], { cwd: project.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ${command.usage}`);
      expect(result.stdout).toContain('Examples:');
      for (const flag of Object.keys(command.flags)) expect(result.stdout).toContain(`--${flag}`);
    }
  });

  it('refuses an unknown command with a suggestion, exit 2', async () => {
    const result = await runCli(['chek'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "chek"');
    expect(result.stderr).toContain('did you mean `launchdb check`?');
  });

  it('refuses an unknown flag with a suggestion, exit 2', async () => {
    const result = await runCli(['check', '--evn', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown flag --evn');
    expect(result.stderr).toContain('did you mean --env?');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a flag without its value, exit 2', async () => {
    const result = await runCli(['check', '--env'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flag --env needs a value');
  });

  it('refuses --only with an unknown area, exit 2', async () => {
    const result = await runCli(['check', '--only', 'acess'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean --only access?');
  });

  it('exits 3 for a refused connection, naming host and port, never the password', async () => {
    const result = await runCli(['check', '--env', 'refused'], { cwd: project.dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('cannot reach Postgres at 127.0.0.1:1');
    expect(result.stdout).toContain('connection refused');
    expect(result.stdout + result.stderr).not.toContain('hunter2secret');
  });

  describe('a server that accepts connections and never answers', () => {
    let silent: Server;
    beforeAll(async () => {
      silent = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      process.env.SILENT_URL = `postgresql://app:hunter2secret@127.0.0.1:${port}/shop`;
    });
    afterAll(() => {
      silent.close();
      delete process.env.SILENT_URL;
    });

    it('exits 3 within the connect timeout', async () => {
      const started = performance.now();
      const result = await runCli(['check', '--env', 'silent', '--connect-timeout', '1500', '--json'], {
        cwd: project.dir,
      });
      const elapsed = performance.now() - started;
      expect(result.code).toBe(3);
      const report = JSON.parse(result.stdout);
      const reachable = report.checks.find((check: { id: string }) => check.id === 'provisioning.reachable');
      expect(reachable.status).toBe('fail');
      expect(reachable.summary).toContain('no answer within 1.5 s');
      expect(elapsed).toBeLessThan(10_000);
      expect(result.stdout).not.toContain('hunter2secret');
    });
  });
});
