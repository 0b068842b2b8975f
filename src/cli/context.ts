// What most commands start with: the project, the chosen environment, and the guard on changes.
import { RefusedError } from '../core/errors.js';
import { type Environment, Project } from '../core/project.js';
import { integerFlag, stringFlag } from './args.js';
import type { Io } from './io.js';
import type { CommandInput } from './spec.js';

export interface CommandContext {
  project: Project;
  env: Environment;
  connectTimeoutMs: number | undefined;
}

/** Loads the project and resolves `--env` (flag, then $LAUNCHDB_ENV, then development). */
export async function commandContext(input: CommandInput, io: Io): Promise<CommandContext> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const name = stringFlag(input, 'env') ?? (process.env.LAUNCHDB_ENV || 'development');
  return { project, env: project.environment(name), connectTimeoutMs: integerFlag(input, 'connect-timeout') };
}

/**
 * Before changing a guarded environment: prints the target, then asks for the environment's name to
 * be typed, or takes `--confirm NAME`. With no terminal and no --confirm, it refuses.
 */
export async function confirmChange(
  env: Environment,
  input: CommandInput,
  io: Io,
  target: string,
): Promise<void> {
  io.err(`${io.style('bold', 'target:')} project ${env.project}, environment ${env.name}, ${target}\n`);
  if (!env.guarded) return;
  await confirmName(input, io, { name: env.name, what: `guarded environment ${env.name}` });
}

/**
 * Asks for `name` to be typed, or takes `--confirm NAME`: for a change to something that cannot be
 * undone (a guarded environment, a database launchdb did not create). With no terminal to ask and no
 * --confirm, it refuses; a wrong name is refused too. Either way nothing was changed yet.
 */
export async function confirmName(
  input: CommandInput,
  io: Io,
  subject: { name: string; what: string },
): Promise<void> {
  const { name, what } = subject;
  const confirm = stringFlag(input, 'confirm');
  if (confirm !== undefined) {
    if (confirm === name) return;
    throw new RefusedError(`--confirm ${confirm} does not match ${what}; nothing was changed`, {
      fix: `pass --confirm ${name}`,
    });
  }
  const typed = await io.ask(`${what} would be changed. Type its name (${name}) to continue: `);
  if (typed === undefined) {
    throw new RefusedError(`refusing to change ${what} without confirmation; nothing was changed`, {
      fix: `pass --confirm ${name}`,
    });
  }
  if (typed !== name) throw new RefusedError(`"${typed}" is not "${name}"; nothing was changed`);
}
