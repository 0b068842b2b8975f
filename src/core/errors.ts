// The few error kinds launchdb raises; the CLI maps each to its exit code in one place.

/** Exit codes shared by every command (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  notReady: 1,
  badInput: 2,
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface LaunchdbErrorOptions {
  cause?: unknown;
  /** The next step for the user, printed after the message. */
  fix?: string;
}

/** Base class: a message that names the subject, an exit code, and an optional fix. */
export class LaunchdbError extends Error {
  readonly exitCode: ExitCode;
  readonly fix?: string;

  constructor(message: string, exitCode: ExitCode, options: LaunchdbErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    if (options.fix) this.fix = options.fix;
  }
}

/** Bad input: usage, flags, a file that does not parse, a refused operation. Exit 2. */
export class UsageError extends LaunchdbError {
  constructor(message: string, options?: LaunchdbErrorOptions) {
    super(message, ExitCode.badInput, options);
  }
}

/**
 * A change refused before anything was changed, because its target was not confirmed (a guarded
 * environment, a database launchdb did not create). Exit 2, as bad input; the audit trail records
 * the attempt as refused rather than failed.
 */
export class RefusedError extends UsageError {}

/** An invalid configuration: one line per problem, each with its path. Exit 2. */
export class ConfigError extends LaunchdbError {
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: LaunchdbErrorOptions) {
    const head = problems.length === 1 ? problems[0] : `${problems.length} problems`;
    super(`invalid config ${file}: ${head}`, ExitCode.badInput, options);
    this.problems = problems;
  }
}

/** A store could not be reached or refused us. Exit 3. The message never holds a password. */
export class UnreachableError extends LaunchdbError {
  constructor(message: string, options?: LaunchdbErrorOptions) {
    super(message, ExitCode.unreachable, options);
  }
}

export function isLaunchdbError(error: unknown): error is LaunchdbError {
  return error instanceof LaunchdbError;
}

/** The first line of what was thrown: an error's message, or the value as text. For one-line reports. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
