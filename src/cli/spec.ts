// How a command describes itself: flags, positionals, help and examples, and where its code lives.
import type { ExitCode } from '../core/errors.js';
import { type NumberRange, TIMEOUT_MS } from '../core/ranges.js';
import type { Io } from './io.js';

interface FlagBase {
  description: string;
  /** Shown in help as `--flag VALUE`. */
  value?: string;
  default?: string | boolean;
}

export interface BooleanFlagSpec extends FlagBase {
  type: 'boolean';
}

export interface StringFlagSpec extends FlagBase {
  type: 'string';
}

/** A whole number inside `range`; anything else is refused before the command runs. */
export interface IntegerFlagSpec extends FlagBase {
  type: 'integer';
  range: NumberRange;
}

/**
 * A URL that may hold a password. argv is readable by every local user (`ps`, /proc/<pid>/cmdline),
 * so each URL flag also reads from a file (`--NAME-file FILE`, added by `withFileTwins`) and from a
 * variable. The URL is refused before the command runs unless it is a postgres:// URL that parses.
 */
export interface UrlFlagSpec extends FlagBase {
  type: 'url';
  /** The variable that gives the URL when neither the flag nor its file does. */
  env: string;
  /**
   * The command reads `env` itself, after the config, from the environment's variables and `.env`
   * files (attach's DATABASE_URL); otherwise parseArgs reads it from the process environment.
   */
  envAfterConfig?: boolean;
  /** The value may be a name instead (`--to ENV|URL`): only a value with a scheme is checked as a URL. */
  orName?: boolean;
  /**
   * Any store's URL (`attach STORE --url`): only checked to parse here; the store checks its scheme
   * (postgres://, redis://, an S3 endpoint's http(s)://).
   */
  anyScheme?: boolean;
}

export type FlagSpec = BooleanFlagSpec | StringFlagSpec | IntegerFlagSpec | UrlFlagSpec;

export interface CommandInput {
  positionals: string[];
  /** Strings, `true` for a boolean flag, numbers for an integer flag. */
  flags: Record<string, string | boolean | number | undefined>;
}

export interface CommandModule {
  run(input: CommandInput, io: Io): Promise<ExitCode>;
}

/**
 * Declared by every command that changes an environment: each run of it appends one event to the
 * environment's audit trail, ok, failed or refused (src/cli/record-action.ts).
 */
export interface AuditSpec {
  /** The action as the trail names it: `migrate up`. */
  action: string;
  /** A flag with which a run changes nothing (`--dry-run`, `--status`): such runs are not recorded. */
  exceptWith?: string;
  /** The flag without which a run changes nothing (`pool plan --apply`). */
  onlyWith?: string;
  /** Whose trail: the environment of --env (default), or where a restore goes (`--to ENV|URL`). */
  target?: 'env' | 'restore-destination';
}

export interface CommandSpec {
  /** One or two words: `check`, `env list`. */
  name: string;
  summary: string;
  usage: string;
  /** Longer help, a few lines. */
  description?: string;
  flags: Record<string, FlagSpec>;
  /** Pairs of flags that cannot be given together: refused, never silently resolved. */
  conflicts?: [string, string][];
  /** How many positionals it takes at most; extra ones are bad input. */
  maxPositionals?: number;
  examples: string[];
  /** Present when the command changes an environment: its runs are recorded in the audit trail. */
  audit?: AuditSpec;
  /** Imported only when the command runs, so start-up stays light. */
  load(): Promise<CommandModule>;
}

/** `--url-file` for `--url`: reads the URL from a file, so its password stays out of argv. */
export function fileTwinOf(name: string): string {
  return `${name}-file`;
}

/** The flags with a `--NAME-file FILE` twin after each URL flag, in help order. */
export function withFileTwins(flags: Record<string, FlagSpec>): Record<string, FlagSpec> {
  const all: Record<string, FlagSpec> = {};
  for (const [name, flag] of Object.entries(flags)) {
    all[name] = flag;
    if (flag.type !== 'url') continue;
    all[fileTwinOf(name)] = {
      type: 'string',
      value: 'FILE',
      description: `read --${name} from FILE, so its password stays out of \`ps\``,
    };
  }
  return all;
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
    type: 'integer',
    range: TIMEOUT_MS,
    value: 'MS',
    description: 'give up connecting after MS milliseconds (default: 10000)',
  },
};

export const JSON_FLAG: Record<string, FlagSpec> = {
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
};
