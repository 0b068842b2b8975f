// How a command describes itself: flags, positionals, help and examples, and where its code lives.
import type { ExitCode } from '../core/errors.js';
import type { Io } from './io.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help as `--flag VALUE`. */
  value?: string;
  default?: string | boolean;
}

export interface CommandInput {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

export interface CommandModule {
  run(input: CommandInput, io: Io): Promise<ExitCode>;
}

export interface CommandSpec {
  /** One or two words: `check`, `env list`. */
  name: string;
  summary: string;
  usage: string;
  /** Longer help, a few lines. */
  description?: string;
  flags: Record<string, FlagSpec>;
  /** How many positionals it takes at most; extra ones are bad input. */
  maxPositionals?: number;
  examples: string[];
  /** Imported only when the command runs, so start-up stays light. */
  load(): Promise<CommandModule>;
}

export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  config: {
    type: 'string',
    value: 'FILE',
    description: 'config file (default: launchdb.config.ts here or above)',
  },
  debug: { type: 'boolean', description: 'show stack traces of errors' },
  help: { type: 'boolean', description: 'show help' },
};

export const ENV_FLAGS: Record<string, FlagSpec> = {
  env: {
    type: 'string',
    value: 'NAME',
    description: 'environment (default: $LAUNCHDB_ENV, else development)',
  },
  confirm: {
    type: 'string',
    value: 'NAME',
    description: 'confirm a change to a guarded environment without a prompt (CI)',
  },
  'connect-timeout': {
    type: 'string',
    value: 'MS',
    description: 'give up connecting after MS milliseconds (default: 10000)',
  },
};

export const JSON_FLAG: Record<string, FlagSpec> = {
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
};
