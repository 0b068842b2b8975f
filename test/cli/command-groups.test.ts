import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.remove());

const GROUPS = ['migrate', 'backup', 'admin', 'scan', 'pool', 'env'];

describe('a command group named alone', () => {
  for (const group of GROUPS) {
    it(`lists the ${group} commands with their summaries for \`${group}\`, \`${group} --help\` and \`help ${group}\`, exit 0`, async () => {
      const members = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
      expect(members.length).toBeGreaterThan(0);
      for (const argv of [[group], [group, '--help'], [group, '-h'], ['help', group]]) {
        const result = await runCli(argv, { cwd: project.dir });
        expect(result.stderr, argv.join(' ')).toBe('');
        expect(result.code, argv.join(' ')).toBe(0);
        expect(result.stdout).toContain(`Usage: launchdb ${group} <command> [flags]`);
        for (const member of members)
          expect(result.stdout).toMatch(new RegExp(`${member.name}\\s+${literal(member.summary)}`));
        // Only the group's own commands, not the whole list.
        expect(result.stdout).not.toContain('init ');
      }
    });
  }

  it('refuses an unknown subcommand with a did-you-mean, exit 2', async () => {
    const result = await runCli(['migrate', 'upp'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "migrate upp"');
    expect(result.stderr).toContain('did you mean `launchdb migrate up`?');
  });

  it('refuses a group given flags but no command, naming its commands, exit 2', async () => {
    const result = await runCli(['backup', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('`launchdb backup` needs a command: create, list, verify');
    expect(result.stderr).toContain('launchdb backup --help');
  });

  it('keeps `seed` a command: `seed --help` is its own help and `seed` seeds', async () => {
    const help = await runCli(['seed', '--help'], { cwd: project.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: launchdb seed [--env NAME]');
    expect((await runCli(['attach', 'postgres'], { cwd: project.dir })).code).toBe(0);
    project.write('db/seeds/reference/001_colours.sql', 'create table colours (name text);\n');
    const seeded = await runCli(['seed', '--json'], { cwd: project.dir });
    expect(seeded.stderr).not.toContain('error');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('001_colours.sql');
  });
});

/** `text` matched as it is, in a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
