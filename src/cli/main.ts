#!/usr/bin/env node
// launchdb's entry point: parse, load the one command asked for, run it, and map errors to exit codes.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ExitCode, isLaunchdbError, UsageError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { suggest } from '../core/suggest.js';
import { parseArgs } from './args.js';
import { COMMANDS, commandNames } from './commands.js';
import { fileProblemError } from './file-problem.js';
import { type Io, processIo } from './io.js';
import { retiredCommandOf } from './retired-commands.js';
import type { CommandSpec } from './spec.js';

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io, debug);
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<ExitCode> {
  const first = argv[0];
  if (first === '--version' || first === '-v') {
    io.out(`${version()}\n`);
    return 0;
  }
  // Before help and flags: a retired command says what replaced it, even asked for its --help.
  const retired = retiredCommandOf(argv);
  if (retired) throw await retired.explain(argv.slice(retired.name.split(' ').length), io);
  const { mainHelp, commandHelp, groupHelp, groupMembers } = await import('./help.js');
  if (first === undefined || isHelpFlag(first) || first === 'help') {
    const topic = first === 'help' ? argv.slice(1).join(' ') : '';
    const spec = COMMANDS.find((command) => command.name === topic);
    io.out(spec ? commandHelp(spec) : (groupHelp(topic) ?? mainHelp(version())));
    return 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const three = argv.slice(0, 3).join(' ');
  const named = (name: string) => COMMANDS.find((command) => command.name === name);
  // `console user …` is a group inside the command `console`: its words win over the shorter command.
  const inner = argv[1] !== undefined && !argv[1].startsWith('-') && groupMembers(two).length > 0;
  const spec = named(three) ?? named(two) ?? (inner ? undefined : named(first));
  const groupName = inner ? two : first;
  const group = spec ? undefined : groupHelp(groupName);
  if (group !== undefined) {
    // `launchdb migrate` and `launchdb migrate --help` list the group; a mistyped subcommand falls through.
    const rest = argv.slice(groupName.split(' ').length);
    if (rest.length === 0 || rest.some(isHelpFlag)) {
      io.out(group);
      return 0;
    }
    if (rest[0]!.startsWith('-')) throw groupNeedsCommand(groupName, groupMembers(groupName));
  }
  if (!spec) {
    const typed = first.startsWith('-') ? first : first === two.split(' ')[0] && argv[1] ? two : first;
    const guess = suggest(typed, commandNames()) ?? suggest(first, commandNames());
    throw new UsageError(`unknown command "${typed}"`, {
      fix: guess ? `did you mean \`launchdb ${guess}\`?` : 'run `launchdb --help` for the list of commands',
    });
  }
  const input = parseArgs(spec, argv.slice(spec.name.split(' ').length), {
    cwd: io.cwd,
    variables: process.env,
    warn: (line) => io.err(`${io.style('yellow', 'warning:')} ${line}\n`),
  });
  if (input.flags.help) {
    io.out(commandHelp(spec));
    return 0;
  }
  const command = await spec.load();
  if (!spec.audit) return command.run(input, io);
  // A command that changes an environment leaves one event in its audit trail, however it ends.
  const { runRecorded } = await import('./record-action.js');
  return runRecorded(spec, input, io, () => command.run(input, io));
}

function isHelpFlag(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/** `launchdb backup --env production`: flags, but no command of the group to give them to. */
function groupNeedsCommand(group: string, members: CommandSpec[]): UsageError {
  const words = members.map((command) => command.name.slice(group.length + 1));
  return new UsageError(`\`launchdb ${group}\` needs a command: ${words.join(', ')}`, {
    fix: `run \`launchdb ${group} --help\` for what each does`,
  });
}

function reportError(thrown: unknown, io: Io, debug: boolean): ExitCode {
  // A file-system error names its path and reason, not `ENOTDIR: not a directory, mkdir '…'`.
  const error = fileProblemError(thrown) ?? thrown;
  if (isLaunchdbError(error)) {
    io.err(`${io.style('red', 'error:')} ${error.message}\n`);
    if ('problems' in error && Array.isArray(error.problems) && error.problems.length > 1) {
      for (const problem of error.problems) io.err(`  ${problem}\n`);
    }
    if (error.fix) io.err(`${io.style('dim', '  fix:')} ${error.fix}\n`);
    const stack = thrown instanceof Error ? thrown.stack : undefined;
    if (debug && stack) io.err(`${redactText(stack, io.secrets)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`${io.style('red', 'error:')} ${message.split('\n')[0]}\n`);
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err('  (an unexpected error; run again with --debug for details)\n');
  return 2;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// Run when executed as the bin (not when imported by tests).
if (isEntryPoint()) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
