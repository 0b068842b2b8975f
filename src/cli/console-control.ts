// The control database for a console command: opened for the project, closed after `use`.
import { type ControlDatabase, openControlDatabase } from '../control/open-control.js';
import { Project } from '../core/project.js';
import { whoIsActing } from '../stores/postgres/audit/actor.js';
import { integerFlag, stringFlag } from './args.js';
import type { Io } from './io.js';
import type { CommandInput } from './spec.js';

/** Who changes a console account from the CLI, for the account log: LAUNCHDB_ACTOR, else git's user.email. */
export function consoleActor(project: Project): string {
  return whoIsActing(project.root, process.env).id;
}

export async function withConsoleControl<T>(
  input: CommandInput,
  io: Io,
  command: string,
  use: (control: ControlDatabase, project: Project) => Promise<T>,
  options: { share?: boolean } = {},
): Promise<T> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const connectTimeoutMs = integerFlag(input, 'connect-timeout');
  const url = stringFlag(input, 'control-url');
  const control = await openControlDatabase(project, {
    command,
    ...options,
    ...(url ? { url } : {}),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  try {
    return await use(control, project);
  } finally {
    await control.close();
  }
}
