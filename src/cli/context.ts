// What most commands start with: the project, the chosen environment, and the guard on changes.
import { UsageError } from '../core/errors.js';
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
  const confirm = stringFlag(input, 'confirm');
  if (confirm !== undefined) {
    if (confirm === env.name) return;
    throw new UsageError(
      `--confirm ${confirm} does not match the environment "${env.name}"; nothing was changed`,
    );
  }
  const typed = await io.ask(`${env.name} is guarded. Type its name to continue: `);
  if (typed === undefined) {
    throw new UsageError(`refusing to change guarded environment ${env.name} without confirmation`, {
      fix: `pass --confirm ${env.name}`,
    });
  }
  if (typed !== env.name) throw new UsageError(`"${typed}" is not "${env.name}"; nothing was changed`);
}
