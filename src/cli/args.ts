// Parses argv against a command's flags; unknown flags and missing values are bad input with a hint.
import { UsageError } from '../core/errors.js';
import { suggest } from '../core/suggest.js';
import { type CommandInput, type CommandSpec, GLOBAL_FLAGS } from './spec.js';

export function parseArgs(spec: CommandSpec, argv: readonly string[]): CommandInput {
  const flags: CommandInput['flags'] = {};
  const positionals: string[] = [];
  const known = { ...GLOBAL_FLAGS, ...spec.flags };
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
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`flag --${rawName} needs a value (${flag.value ?? 'VALUE'})`, {
        fix: `e.g. launchdb ${spec.name} --${rawName} ${flag.value ?? 'VALUE'}`,
      });
    }
    flags[rawName] = value;
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
  return { positionals, flags };
}

/** A flag holding a count of milliseconds or a port: a non-negative integer, else bad input. */
export function integerFlag(input: CommandInput, name: string): number | undefined {
  const raw = input.flags[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
}

export function stringFlag(input: CommandInput, name: string): string | undefined {
  const raw = input.flags[name];
  return typeof raw === 'string' ? raw : undefined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
