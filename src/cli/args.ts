// Parses argv against a command's flags. Everything a flag's spec says is checked here, before the
// command runs: unknown, repeated and conflicting flags, numbers out of range, URLs that are not Postgres.
import { UsageError } from '../core/errors.js';
import { describeRange, inRange } from '../core/ranges.js';
import { suggest } from '../core/suggest.js';
import { checkPostgresUrl, checkUrl, urlScheme } from '../stores/postgres/connection-url.js';
import {
  type CommandInput,
  type CommandSpec,
  type FlagSpec,
  fileTwinOf,
  GLOBAL_FLAGS,
  type IntegerFlagSpec,
  type UrlFlagSpec,
  withFileTwins,
} from './spec.js';
import { readUrlFile } from './url-file.js';

/** What parsing reads besides argv: where `-file` paths are relative to, and URL flags' variables. */
export interface ArgsEnvironment {
  cwd: string;
  variables: Readonly<Record<string, string | undefined>>;
  warn(line: string): void;
}

export function parseArgs(
  spec: CommandSpec,
  argv: readonly string[],
  environment: ArgsEnvironment,
): CommandInput {
  const flags: CommandInput['flags'] = {};
  const positionals: string[] = [];
  const known = withFileTwins({ ...GLOBAL_FLAGS, ...spec.flags });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    const [rawName, inline] = splitOnce(arg.replace(/^--?/, ''), '=');
    const flag = known[rawName];
    if (!flag) {
      const guess = suggest(rawName, Object.keys(known));
      throw new UsageError(`unknown flag --${rawName} for \`launchdb ${spec.name}\``, {
        fix: guess ? `did you mean --${guess}?` : `see \`launchdb ${spec.name} --help\``,
      });
    }
    if (flag.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`flag --${rawName} takes no value`);
      flags[rawName] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    // An empty value (`--target ''`) names nothing: refused like a missing one, not read as the current folder.
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`flag --${rawName} needs a value (${flag.value ?? 'VALUE'})`, {
        fix: `e.g. launchdb ${spec.name} --${rawName} ${flag.value ?? 'VALUE'}`,
      });
    }
    const earlier = flags[rawName];
    if (earlier !== undefined) {
      // A repeat is refused even with the same value: the last one winning was how
      // `--env staging … --env production` changed production by accident.
      const values = flag.type === 'url' ? '' : ` (${earlier}, ${value})`;
      throw new UsageError(`--${rawName} given twice${values}`, { fix: `give --${rawName} once` });
    }
    flags[rawName] = flag.type === 'integer' ? integerValue(rawName, value, flag) : value;
  }
  if (!flags.help && spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw new UsageError(
      `unexpected argument "${positionals[spec.maxPositionals]}" for \`launchdb ${spec.name}\``,
      {
        fix: `usage: ${spec.usage}`,
      },
    );
  }
  if (!flags.help && spec.maxPositionals === undefined && positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}" for \`launchdb ${spec.name}\``, {
      fix: `usage: ${spec.usage}`,
    });
  }
  if (!flags.help) {
    refuseConflicts(spec, known, flags);
    for (const [name, flag] of Object.entries(known)) {
      if (flag.type === 'url') resolveUrlFlag(name, flag, flags, environment);
    }
  }
  return { positionals, flags };
}

/** A flag declared `integer`, checked against its range by parseArgs. */
export function integerFlag(input: CommandInput, name: string): number | undefined {
  const raw = input.flags[name];
  if (raw === undefined) return undefined;
  // A string here is a numeric flag declared as a string, whose range nobody checked.
  if (typeof raw !== 'number') throw new Error(`--${name} is not declared as an integer flag with a range`);
  return raw;
}

export function stringFlag(input: CommandInput, name: string): string | undefined {
  const raw = input.flags[name];
  return typeof raw === 'string' ? raw : undefined;
}

function integerValue(name: string, raw: string, flag: IntegerFlagSpec): number {
  const value = Number(raw);
  if (/^\d+$/.test(raw) && inRange(value, flag.range)) return value;
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  throw new UsageError(`--${name} expects a whole number from ${describeRange(flag.range)}, got ${shown}`);
}

/** Declared pairs, and each URL flag with its file twin: both given is refused, naming both. */
function refuseConflicts(
  spec: CommandSpec,
  known: Record<string, FlagSpec>,
  flags: CommandInput['flags'],
): void {
  const twins = Object.entries(known)
    .filter(([, flag]) => flag.type === 'url')
    .map(([name]): [string, string] => [name, fileTwinOf(name)]);
  const given = (name: string) => flags[name] !== undefined;
  const givenOrFile = (name: string) => given(name) || given(fileTwinOf(name));
  for (const [a, b] of twins) {
    if (given(a) && given(b)) {
      throw new UsageError(`--${a} and --${b} given together`, {
        fix: `give the URL once: --${b} keeps its password out of \`ps\``,
      });
    }
  }
  for (const [a, b] of spec.conflicts ?? []) {
    if (!givenOrFile(a) || !givenOrFile(b)) continue;
    throw new UsageError(`give either --${a} or --${b}, not both`, {
      fix: `--${a}: ${known[a]?.description}; --${b}: ${known[b]?.description}`,
    });
  }
}

/**
 * The URL from the flag, else its file, else its variable (unless the command reads that itself,
 * after the config), checked to be a postgres:// URL and named by where it came from.
 */
function resolveUrlFlag(
  name: string,
  flag: UrlFlagSpec,
  flags: CommandInput['flags'],
  environment: ArgsEnvironment,
): void {
  const twin = fileTwinOf(name);
  const file = flags[twin];
  let value = flags[name] as string | undefined;
  let source = `--${name}`;
  if (typeof file === 'string') {
    value = readUrlFile(file, { flag: twin, cwd: environment.cwd, warn: environment.warn });
    source = `--${twin} ${file}`;
  } else if (value === undefined && !flag.envAfterConfig && environment.variables[flag.env]) {
    value = environment.variables[flag.env]!;
    source = `$${flag.env}`;
  }
  if (value === undefined) return;
  if (flag.anyScheme) checkUrl(value, source);
  else if (!flag.orName || urlScheme(value) !== undefined) checkPostgresUrl(value, source);
  flags[name] = value;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
