// `launchdb backup create`: a consistent, checksummed (and with a key or age recipients, encrypted) backup
// of an environment.
import type { ExitCode } from '../../core/errors.js';
import { objectsToBackUp } from '../../stores/objects/backup-objects.js';
import { createBackup } from '../../stores/postgres/backup/create-backup.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { integerFlag } from '../args.js';
import { backupTarget, formatBytes, secretsFor } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { progressReport } from '../progress-report.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const config = project.config.backups ?? {};
  const target = backupTarget(project, env, input);
  const secrets = secretsFor(project, env, io);
  const workers = integerFlag(input, 'workers') ?? config.workers ?? 2;
  const json = input.flags.json === true;
  const { db, location } = await openMigrationDatabase(env, {
    command: 'backup create',
    max: workers + 1,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  if (!json) io.err(io.style('dim', `backing up ${env.name} (${location}) to ${target.location}…\n`));
  const objects = objectsToBackUp(env);
  let result: Awaited<ReturnType<typeof createBackup>>;
  try {
    result = await createBackup(db, {
      project: project.name,
      environment: env.name,
      target,
      secrets,
      level: config.compressionLevel ?? 1,
      workers,
      onTable: progressReport(io, json, 'read'),
      ...(objects ? { objects } : {}),
    });
  } finally {
    await db.close();
    await objects?.close();
  }
  const document = {
    id: result.id,
    path: result.path,
    tables: result.tables,
    rows: result.rows,
    bytes: result.bytes,
    durationMs: result.durationMs,
    encrypted: result.encrypted,
    ...(result.objects === undefined ? {} : { objects: result.objects }),
  };
  if (json) {
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  for (const id of result.cleaned)
    io.err(io.style('dim', `removed ${id}, a backup a stopped process left unfinished\n`));
  // Recipients win over a passphrase (see newBackupKeys).
  const recipients = secrets.recipients?.length ?? 0;
  const encryption = !result.encrypted
    ? io.style('yellow', 'not encrypted')
    : recipients
      ? `encrypted to ${recipients} age recipient${recipients === 1 ? '' : 's'}`
      : 'encrypted';
  io.out(
    `${io.style('green', 'backup')} ${result.id}: ${result.tables} tables, ${result.rows} rows, ${formatBytes(result.bytes)}, ${result.objects === undefined ? '' : `${result.objects} objects listed, `}${(result.durationMs / 1000).toFixed(1)} s, ${encryption}\n  ${result.path}\n`,
  );
  if (!result.encrypted) {
    io.out(
      io.style(
        'dim',
        '  set backups.recipients (age public keys) or LAUNCHDB_BACKUP_KEY to encrypt backups\n',
      ),
    );
  }
  return 0;
}
