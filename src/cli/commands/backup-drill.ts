// `launchdb backup drill`: proves a backup restores: into a scratch database, compared, timed, recorded.
import { type ExitCode, isLaunchdbError, UsageError } from '../../core/errors.js';
import { objectsToBackUp } from '../../stores/objects/backup-objects.js';
import { openObjectStore } from '../../stores/objects/open.js';
import { createBackup } from '../../stores/postgres/backup/create-backup.js';
import { type DrillResult, drillBackup } from '../../stores/postgres/backup/drill.js';
import { recordDrill } from '../../stores/postgres/backup/drill-log.js';
import { openBackup } from '../../stores/postgres/backup/open-backup.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { stringFlag } from '../args.js';
import { backupTarget, formatDuration, secretsFor } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { progressReport } from '../progress-report.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = backupTarget(project, env, input);
  const secrets = secretsFor(project, env, io);
  const json = input.flags.json === true;
  const opening = {
    command: 'backup drill',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  };

  let id = stringFlag(input, 'backup');
  if (input.flags.fresh === true) {
    const { db } = await openMigrationDatabase(env, { ...opening, max: 3 });
    const objects = objectsToBackUp(env);
    try {
      id = (
        await createBackup(db, {
          project: project.name,
          environment: env.name,
          target,
          secrets,
          level: project.config.backups?.compressionLevel ?? 1,
          ...(objects ? { objects } : {}),
        })
      ).id;
    } finally {
      await db.close();
      await objects?.close();
    }
  }
  id ??= (await target.list()).at(-1);
  if (!id) {
    throw new UsageError(`no backups of ${env.name} in ${target.location} to drill`, {
      fix: `take one with \`launchdb backup create --env ${env.name}\`, or pass --fresh`,
    });
  }
  const backup = await openBackup(target, id, secrets);
  if (!json) io.err(io.style('dim', `drilling ${id}: restoring into a scratch database…\n`));
  const scratchUrl = stringFlag(input, 'scratch-url');
  if (scratchUrl) io.secrets.add(new URL(scratchUrl).password);
  // The objects the backup lists are re-read (a sample) from the environment's store.
  const objects = backup.manifest.objects && env.config.objects ? openObjectStore(env) : undefined;
  let result: DrillResult;
  try {
    result = await drillBackup(backup, {
      project,
      env,
      ...(scratchUrl ? { scratchUrl } : {}),
      onTable: progressReport(io, json, 'loaded'),
      ...(objects ? { objects } : {}),
    });
  } finally {
    await objects?.close();
  }
  const recorded = await record(env, opening, result);

  if (json) {
    io.out(
      `${JSON.stringify({ ...result, recorded: recorded === true, recordNote: recorded === true ? null : recorded }, null, 2)}\n`,
    );
  } else {
    io.out(render(result, io));
    if (recorded !== true) io.out(io.style('yellow', `note: ${recorded}\n`));
  }
  return result.ok ? 0 : 1;
}

/** Records the drill in the environment's own database; says why not when it cannot be reached. */
async function record(
  env: Parameters<typeof openMigrationDatabase>[0],
  opening: Parameters<typeof openMigrationDatabase>[1],
  result: DrillResult,
): Promise<true | string> {
  try {
    const { db } = await openMigrationDatabase(env, opening);
    try {
      await recordDrill(db, result);
      return true;
    } finally {
      await db.close();
    }
  } catch (error) {
    if (!isLaunchdbError(error)) throw error;
    return `the drill was not recorded in ${env.name}'s database: ${error.message}`;
  }
}

function render(result: DrillResult, io: Io): string {
  const lines: string[] = [];
  const where =
    result.scratch === 'embedded' ? 'an embedded scratch database' : 'a scratch database on the server';
  if (result.ok && result.restoreMs !== null) {
    const head = `${result.tables} tables, ${result.rows} rows restored into ${where} in ${formatDuration(result.restoreMs)} (RTO); data ${formatDuration(result.dataAgeMs)} old (RPO)`;
    lines.push(`${io.style('green', 'drill passed')} ${result.backupId}: ${head}`);
    lines.push('  every row count, content checksum and catalog object matches the backup');
  } else {
    // What failed first leads: the rest often follows from it.
    const [first, ...rest] = result.problems;
    lines.push(
      `${io.style('red', 'drill failed')} ${result.backupId} in ${where}: no RTO, a failed drill proves no time to restore`,
    );
    lines.push(`  first: ${first ?? 'an unknown problem'}`);
    for (const problem of rest.slice(0, 19)) lines.push(`  - ${problem}`);
    if (rest.length > 19) lines.push(`  … and ${rest.length - 19} more`);
  }
  const judged = result.checks.filter((check) => check.status !== 'skip' && check.status !== 'pass');
  for (const check of judged)
    lines.push(io.style('yellow', `  ${check.status} ${check.id} on the copy: ${check.summary}`));
  for (const note of result.notes) lines.push(io.style('dim', `  note: ${note}`));
  return `${lines.join('\n')}\n`;
}
