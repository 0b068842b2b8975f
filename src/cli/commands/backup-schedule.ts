// `launchdb backup schedule`: in the foreground, a backup at each time of backups.schedule, pruned by
// backups.retention, a log line per run; SIGTERM or Ctrl-C stops it cleanly.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { runSchedule } from '../../stores/postgres/backup/schedule.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { backupTarget, secretsFor } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const config = project.config.backups ?? {};
  if (!config.schedule) {
    throw new UsageError('no schedule: backups.schedule is not in the config', {
      fix: "add backups: { schedule: '0 3 * * *' } (cron, UTC); see docs/BACKUPS.md",
    });
  }
  const target = backupTarget(project, env, input);
  const secrets = secretsFor(project, env, io);
  const workers = config.workers ?? 2;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const log = (line: string) => io.out(`${new Date().toISOString()} ${line}\n`);
  log(
    `scheduling backups of ${env.name} at "${config.schedule}" (UTC) to ${target.location}${config.retention ? `, retention ${JSON.stringify(config.retention)}` : ''}; stop with Ctrl-C or SIGTERM`,
  );
  try {
    await runSchedule({
      cron: config.schedule,
      target,
      backup: {
        project: project.name,
        environment: env.name,
        secrets,
        level: config.compressionLevel ?? 1,
        workers,
      },
      ...(config.retention ? { retention: config.retention } : {}),
      open: async () =>
        (
          await openMigrationDatabase(env, {
            command: 'backup schedule',
            max: workers + 2,
            ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
          })
        ).db,
      signal: stop.signal,
      log,
    });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  log('stopped');
  return 0;
}
