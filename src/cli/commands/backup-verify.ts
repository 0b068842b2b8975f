// `launchdb backup verify ID | --newest`: decrypts and checks every checksum of a backup without
// restoring it; --newest picks the environment's newest complete backup (what the scheduler's verify
// job runs).
import type { ExitCode } from '../../core/errors.js';
import { UsageError } from '../../core/errors.js';
import { type Environment, Project } from '../../core/project.js';
import { openBackup } from '../../stores/postgres/backup/open-backup.js';
import { recordVerification, verifyBackup } from '../../stores/postgres/backup/verify-backup.js';
import { stringFlag } from '../args.js';
import { backupTarget, environmentOfBackup, secretsFor } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const chosen = await chooseBackup(input, io);
  const { project, env, id } = chosen;
  const target = backupTarget(project, env, input);
  if (id === undefined) {
    // Asked to verify the newest and there is none: the answer to "is there a sound backup?" is no.
    const problem = `no backups of ${env.name} in ${target.location} to verify`;
    if (input.flags.json) {
      io.out(`${JSON.stringify({ id: null, ok: false, files: 0, rows: 0, problem, tables: [] }, null, 2)}\n`);
    } else {
      io.out(`${io.style('red', 'no backup')} ${problem}\n`);
      io.out(io.style('dim', `fix: take one with \`launchdb backup create --env ${env.name}\`\n`));
    }
    return 1;
  }
  const backup = await openBackup(target, id, secretsFor(project, env, io));
  const result = await verifyBackup(backup);
  await recordVerification(target, result);
  if (input.flags.json) {
    io.out(
      `${JSON.stringify({ id, ok: result.ok, files: result.files, rows: result.rows, problem: result.problem ?? null, tables: result.tables }, null, 2)}\n`,
    );
  } else if (result.ok) {
    io.out(
      `${io.style('green', 'verified')} ${id}: ${result.files} files, ${result.rows} rows, every checksum matches\n`,
    );
  } else {
    io.out(`${io.style('red', 'damaged')} ${id}: ${result.problem}\n`);
    const damaged = result.tables.filter((verdict) => !verdict.ok);
    if (damaged.length > 1) {
      io.out(
        `  ${damaged.length} tables do not match: ${damaged.map((verdict) => verdict.table).join(', ')}\n`,
      );
    }
    io.out(
      io.style('dim', 'fix: do not restore it; take a new backup, and find out what changed the files\n'),
    );
  }
  return result.ok ? 0 : 1;
}

/**
 * The backup an id names (its environment read from the id), or with --newest the newest complete
 * backup of --env; `id` is undefined when that environment has none.
 */
async function chooseBackup(
  input: CommandInput,
  io: Io,
): Promise<{ project: Project; env: Environment; id: string | undefined }> {
  const named = input.positionals[0];
  const newest = input.flags.newest === true;
  if (named !== undefined && newest) {
    throw new UsageError(`give either a backup id (${named}) or --newest, not both`, {
      fix: 'launchdb backup verify ID verifies that backup; launchdb backup verify --newest --env NAME the newest one',
    });
  }
  if (newest) {
    const { project, env } = await commandContext(input, io);
    return { project, env, id: (await backupTarget(project, env, input).list()).at(-1) };
  }
  if (named === undefined) {
    throw new UsageError('name the backup to verify', {
      fix: 'launchdb backup verify ID (see `launchdb backup list`), or --newest --env NAME for the newest',
    });
  }
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  return { project, env: environmentOfBackup(project, named, input), id: named };
}
