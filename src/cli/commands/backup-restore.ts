// `launchdb backup restore ID --to ENV|URL`: restores a backup into another environment or database,
// all in one transaction, refusing a target that is not empty unless --clean.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { openBackup } from '../../stores/postgres/backup/open-backup.js';
import { restoreBackup } from '../../stores/postgres/backup/restore-backup.js';
import { describeUrl } from '../../stores/postgres/connection-url.js';
import type { PostgresDatabase } from '../../stores/postgres/database.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { openServer } from '../../stores/postgres/server.js';
import { stringFlag } from '../args.js';
import { backupTarget, environmentOfBackup, secretFor } from '../backup-context.js';
import { confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const id = input.positionals[0];
  const to = stringFlag(input, 'to');
  if (!id || !to) {
    throw new UsageError('name the backup and where to restore it', {
      fix: 'launchdb backup restore ID --to ENV|postgres://…',
    });
  }
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const from = environmentOfBackup(project, id);
  const target = backupTarget(project, from, input);
  const backup = await openBackup(target, id, secretFor(project, from, io));
  const clean = input.flags.clean === true;
  const json = input.flags.json === true;

  let db: PostgresDatabase;
  let marker: { project: string; environment: string } | undefined;
  if (/^postgres(ql)?:\/\//.test(to)) {
    io.secrets.add(new URL(to).password);
    io.err(`target: database ${describeUrl(to)}${clean ? ' (its contents replaced: --clean)' : ''}\n`);
    db = await openServer(to, { max: 1 });
  } else {
    const env = project.environment(to);
    const opened = await openMigrationDatabase(env, { command: 'backup restore' });
    try {
      await confirmChange(
        env,
        input,
        io,
        `${opened.location}${clean ? ' (its contents replaced: --clean)' : ''}`,
      );
    } catch (error) {
      await opened.db.close();
      throw error;
    }
    db = opened.db;
    marker = { project: project.name, environment: env.name };
  }
  if (!json)
    io.err(
      io.style(
        'dim',
        `restoring ${id} (${backup.manifest.totals.tables} tables, ${backup.manifest.totals.rows} rows)…\n`,
      ),
    );
  let result: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    result = await restoreBackup(backup, db, { clean, ...(marker ? { marker } : {}) });
  } finally {
    await db.close();
  }
  if (json) {
    io.out(`${JSON.stringify({ ...result, to: marker?.environment ?? describeUrl(to) }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `${io.style('green', 'restored')} ${id} into ${marker?.environment ?? describeUrl(to)}: ${result.tables} tables, ${result.rows} rows, ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
  for (const sentence of result.skipped) io.out(io.style('yellow', `  skipped: ${sentence}\n`));
  return 0;
}
