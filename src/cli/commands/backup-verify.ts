// `launchdb backup verify ID`: decrypts and checks every checksum of a backup without restoring it.
import type { ExitCode } from '../../core/errors.js';
import { UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { openBackup } from '../../stores/postgres/backup/open-backup.js';
import { recordVerification, verifyBackup } from '../../stores/postgres/backup/verify-backup.js';
import { stringFlag } from '../args.js';
import { backupTarget, environmentOfBackup, secretsFor } from '../backup-context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const id = input.positionals[0];
  if (!id)
    throw new UsageError('name the backup to verify', {
      fix: 'launchdb backup verify ID (see `launchdb backup list`)',
    });
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const env = environmentOfBackup(project, id, input);
  const target = backupTarget(project, env, input);
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
