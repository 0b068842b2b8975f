// Flags are checked before a command runs: numbers against their declared range, repeats and
// declared conflicts refused (exit 2, one line naming the flags and values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integerFlag, parseArgs } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { commandHelp } from '../../src/cli/help.js';
import { fileTwinOf, withFileTwins } from '../../src/cli/spec.js';
import { UsageError } from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.remove());

const cli = (args: string[]) => runCli(args, { cwd: project.dir });
const quiet = { cwd: '/', variables: {}, warn: () => {} };

/** Every integer flag of every command, with its range. */
const integerFlags = COMMANDS.flatMap((command) =>
  Object.entries(command.flags).flatMap(([name, flag]) =>
    flag.type === 'integer' ? [{ command: command.name, name, range: flag.range }] : [],
  ),
);

describe('numeric flags', () => {
  it('declares the numeric flags with ranges', () => {
    const names = new Set(integerFlags.map((flag) => flag.name));
    for (const name of ['connect-timeout', 'lock-timeout', 'port', 'workers', 'rows-per-table']) {
      expect(names).toContain(name);
    }
  });

  it.each(integerFlags)(
    'refuses $command --$name outside its range, naming flag, range and value',
    async (flag) => {
      for (const bad of [String(flag.range.max + 1), String(flag.range.min - 1), '1.5', 'many']) {
        const result = await cli([...flag.command.split(' '), `--${flag.name}`, bad]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `--${flag.name} expects a whole number from ${flag.range.min} to ${flag.range.max}`,
        );
        expect(result.stderr).toContain(`got ${bad}`);
      }
    },
  );

  it('refuses a connect timeout that would overflow Node’s timer, instead of timing out after 1 ms', async () => {
    const result = await cli(['env', 'list', '--connect-timeout', '99999999999999999999999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--connect-timeout expects a whole number from 1 to 2147483647 ms, got 99999999999999999999999',
    );
    expect(result.stdout).toBe('');
  });

  it('refuses --workers 0 before backing anything up', async () => {
    const result = await cli(['backup', 'create', '--workers', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--workers expects a whole number from 1 to 16, got 0');
  });

  it('gives the command the number, at the edges of the range too', () => {
    const serve = COMMANDS.find((command) => command.name === 'serve')!;
    expect(integerFlag(parseArgs(serve, ['--port', '0'], quiet), 'port')).toBe(0);
    expect(integerFlag(parseArgs(serve, ['--port=65535'], quiet), 'port')).toBe(65_535);
    expect(integerFlag(parseArgs(serve, ['--connect-timeout', '2147483647'], quiet), 'connect-timeout')).toBe(
      2_147_483_647,
    );
  });

  it('will not read a number from a flag declared without a range', () => {
    const check = COMMANDS.find((command) => command.name === 'check')!;
    const input = parseArgs(check, ['--only', '5'], quiet);
    expect(() => integerFlag(input, 'only')).toThrow(/not declared as an integer flag/);
  });

  it('shows each range in help', () => {
    const migrateUp = COMMANDS.find((command) => command.name === 'migrate up')!;
    expect(commandHelp(migrateUp)).toMatch(/--lock-timeout MS .*; 0 to 2147483647 ms/);
  });
});

describe('empty values', () => {
  it.each([
    { argv: ['backup', 'list', '--target', ''], flag: '--target' },
    { argv: ['check', '--env='], flag: '--env' },
  ])('refuses $argv as a missing value, not the current folder or the default', async ({ argv, flag }) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`flag ${flag} needs a value`);
  });
});

describe('repeated flags', () => {
  it('refuses --env given twice instead of letting the last one win', async () => {
    const result = await cli(['migrate', 'up', '--env', 'staging', '--env', 'production']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--env given twice (staging, production)');
  });

  it('refuses a repeat even with the same value, and in the --flag=value form', async () => {
    const result = await cli(['check', '--env=staging', '--env', 'staging']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--env given twice (staging, staging)');
  });

  it('never echoes the values of a repeated URL flag', async () => {
    const result = await cli([
      'attach',
      'postgres',
      '--url',
      'postgres://app:hunter2secret@db/one',
      '--url',
      'postgres://app:hunter2secret@db/two',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--url given twice');
    expect(result.stderr).not.toContain('hunter2secret');
  });

  it('lets a boolean flag repeat: it says the same thing twice', () => {
    const check = COMMANDS.find((command) => command.name === 'check')!;
    expect(parseArgs(check, ['--json', '--json'], quiet).flags.json).toBe(true);
  });
});

describe('conflicting flags', () => {
  it('refuses backup drill --backup ID --fresh', async () => {
    const result = await cli(['backup', 'drill', '--backup', 'development-20260101-000000-a1b2', '--fresh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give either --backup or --fresh, not both');
  });

  it('refuses attach --url with --admin-url, whichever comes from a file', async () => {
    const both = await cli([
      'attach',
      'postgres',
      '--url',
      'postgres://a@h/x',
      '--admin-url',
      'postgres://b@h/y',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either --url or --admin-url, not both');
    project.write('admin.url', 'postgres://b@h/y\n');
    const fromFile = await cli([
      'attach',
      'postgres',
      '--url',
      'postgres://a@h/x',
      '--admin-url-file',
      'admin.url',
    ]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('give either --url or --admin-url, not both');
  });

  it('refuses a URL flag together with its -file twin', async () => {
    project.write('app.url', 'postgres://a@h/x\n');
    const result = await cli(['attach', 'postgres', '--url', 'postgres://a@h/x', '--url-file', 'app.url']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--url and --url-file given together');
  });

  it('declares conflicts only between flags the command has', () => {
    for (const command of COMMANDS) {
      for (const pair of command.conflicts ?? []) {
        for (const name of pair)
          expect(Object.keys(command.flags), `${command.name}: --${name}`).toContain(name);
      }
    }
  });

  it('is checked by the parser, before the command loads', () => {
    const drill = COMMANDS.find((command) => command.name === 'backup drill')!;
    expect(() => parseArgs(drill, ['--fresh', '--backup', 'x'], quiet)).toThrow(UsageError);
  });
});

describe('URL flags', () => {
  it('each has a -file twin, shown in help', () => {
    for (const command of COMMANDS) {
      const help = commandHelp(command);
      for (const [name, flag] of Object.entries(command.flags)) {
        if (flag.type !== 'url') continue;
        expect(withFileTwins(command.flags)).toHaveProperty(fileTwinOf(name));
        expect(help).toContain(`--${name}-file FILE`);
        expect(help).toContain(`$${flag.env}`);
      }
    }
  });

  it('covers every flag that takes a URL', () => {
    const urlFlags = COMMANDS.flatMap((command) =>
      Object.entries(command.flags).flatMap(([name, flag]) =>
        flag.type === 'url' ? [`${command.name} --${name}`] : [],
      ),
    );
    expect(urlFlags.sort()).toEqual(
      [
        'attach --admin-url',
        'attach --url',
        'backup drill --scratch-url',
        'backup restore --admin-url',
        'backup restore --to',
        'migrate drift --admin-url',
        'scheduler run --control-url',
        'console --control-url',
        'console user add --control-url',
        'console user list --control-url',
        'console user password --control-url',
        'console user role --control-url',
        'console user remove --control-url',
        'scheduler status --control-url',
      ].sort(),
    );
  });
});
