// Help text for launchdb and for each command, generated from the command specs.

import { describeRange } from '../core/ranges.js';
import { COMMANDS } from './commands.js';
import { type CommandSpec, type FlagSpec, GLOBAL_FLAGS, withFileTwins } from './spec.js';

export function mainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = [
    `launchdb ${version} — make an app's data layer launch-ready, and prove it`,
    '',
    'Usage: launchdb <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Flags:',
    ...flagLines({ ...GLOBAL_FLAGS, version: { type: 'boolean', description: 'print the version' } }),
    '',
    'Exit codes: 0 done/ready, 1 not ready or a check failed, 2 bad input, 3 a store could not be reached.',
    'Run `launchdb <command> --help` for a command’s flags and examples.',
    '',
  ];
  return lines.join('\n');
}

/** The commands named `group …` (`migrate up`, `migrate status`); none when `group` is no group. */
export function groupMembers(group: string): CommandSpec[] {
  return COMMANDS.filter((command) => command.name.startsWith(`${group} `));
}

/** The commands of `group` with their summaries, or undefined when `group` is not a group. */
export function groupHelp(group: string): string | undefined {
  const members = groupMembers(group);
  if (members.length === 0) return undefined;
  const width = Math.max(...members.map((command) => command.name.length));
  const lines = [
    `Usage: launchdb ${group} <command> [flags]`,
    '',
    'Commands:',
    ...members.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run \`launchdb ${group} <command> --help\` for a command’s flags and examples.`,
    '',
  ];
  return lines.join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage}`, ''];
  if (spec.description) lines.push(spec.description, '');
  lines.push('Flags:', ...flagLines(withFileTwins({ ...spec.flags, ...GLOBAL_FLAGS })), '', 'Examples:');
  lines.push(...spec.examples.map((example) => `  ${example}`), '');
  return lines.join('\n');
}

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const rows = Object.entries(flags).map(([name, flag]) => [
    `--${name}${flag.value ? ` ${flag.value}` : ''}`,
    flag.description + detailOf(flag),
  ]);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`);
}

/** What the spec adds to a description: an integer's range, where a URL flag's variable is read. */
function detailOf(flag: FlagSpec): string {
  if (flag.type === 'integer') return `; ${describeRange(flag.range)}`;
  if (flag.type === 'url') return `; else ${flag.envAfterConfig ? 'the config, else ' : ''}$${flag.env}`;
  return '';
}
