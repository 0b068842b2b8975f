// `launchdb backup restore ID --to ENV|URL`: restores a backup into another environment or database,
// all in one transaction, refusing a target that is not empty unless --clean.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import type { BackupManifest } from '../../stores/postgres/backup/manifest.js';
import { openBackup } from '../../stores/postgres/backup/open-backup.js';
import { environmentRoleMap } from '../../stores/postgres/backup/rename-roles.js';
import { type RestoreOptions, restoreBackup } from '../../stores/postgres/backup/restore-backup.js';
import { resolveRestoreDestination } from '../../stores/postgres/backup/restore-destination.js';
import { restoreBySwitch } from '../../stores/postgres/backup/restore-switch.js';
import { describeUrl, parseConnectionUrl, withCredentials } from '../../stores/postgres/connection-url.js';
import type { PostgresDatabase } from '../../stores/postgres/database.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { roleNamesOf } from '../../stores/postgres/provision/roles.js';
import { openServer } from '../../stores/postgres/server.js';
import { databaseNameOf, resolveAdminUrl } from '../../stores/postgres/target.js';
import { stringFlag } from '../args.js';
import { backupTarget, environmentOfBackup, secretsFor } from '../backup-context.js';
import { confirmChange, confirmName } from '../context.js';
import type { Io } from '../io.js';
import { progressReport } from '../progress-report.js';
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
  const from = environmentOfBackup(project, id, input);
  const target = backupTarget(project, from, input);
  const backup = await openBackup(target, id, secretsFor(project, from, io));
  const clean = input.flags.clean === true;
  const json = input.flags.json === true;

  // Where to restore, judged by the database: a URL reaching an environment's database is that
  // environment, with its guard; any other database needs its name confirmed.
  const destination = await resolveRestoreDestination(project, to);
  const replaced = clean ? ' (its contents replaced: --clean)' : '';
  let url: string | undefined;
  let loadUrl: string | undefined;
  let marker: { project: string; environment: string } | undefined;
  let roles: Pick<RestoreOptions, 'roles' | 'environmentRoles'> = {};
  let openTarget: () => Promise<PostgresDatabase>;
  let label: string;
  if (destination.kind === 'database') {
    const { database, whose, relations } = destination;
    io.secrets.add(new URL(to).password);
    io.err(`target: ${whose}, at ${describeUrl(to)}${replaced}\n`);
    if (relations > 0 && !clean) {
      throw new UsageError(
        `${describeUrl(to)} holds ${relations >= 50 ? '50 or more' : relations} relations and is not an environment of project ${project.name}: refusing to restore over it; nothing was changed`,
        {
          fix: `pass --clean and --confirm ${database} to replace what it holds, or restore into an empty database`,
        },
      );
    }
    await confirmName(input, io, { name: database, what: whose });
    url = to;
    label = describeUrl(to);
    openTarget = () => openServer(to, { max: 1 });
  } else if (destination.byUrl?.recognisedBy === 'marker') {
    // A database elsewhere marked as the environment's: restored where the URL points, as that environment.
    const { env } = destination;
    io.secrets.add(new URL(to).password);
    io.err(`note: ${describeUrl(to)} is marked as environment ${env.name}'s database\n`);
    await confirmChange(env, input, io, `${describeUrl(to)}${replaced}`);
    url = to;
    label = env.name;
    marker = { project: project.name, environment: env.name };
    roles = environmentRoles(project, backup.manifest, parseConnectionUrl(to).database);
    openTarget = () => openServer(to, { max: 1 });
  } else {
    const { env } = destination;
    if (destination.byUrl) {
      io.secrets.add(new URL(to).password);
      io.err(`note: ${describeUrl(to)} is environment ${env.name}'s database\n`);
    }
    const opened = await openMigrationDatabase(env, { command: 'backup restore' });
    try {
      await confirmChange(env, input, io, `${opened.location}${replaced}`);
    } catch (error) {
      await opened.db.close();
      throw error;
    }
    if (opened.target.backing === 'server') {
      const migrationUrl = opened.target.migrationUrl;
      await opened.db.close();
      // The admin may create the fresh database and rename the target; else perhaps the URL given,
      // or the owner.
      const adminUrl = resolveAdminUrl(env, stringFlag(input, 'admin-url')) ?? destination.byUrl?.url;
      if (adminUrl) io.secrets.add(new URL(adminUrl).password);
      url = adminUrl ? withCredentials(adminUrl, { database: opened.target.database }) : migrationUrl;
      loadUrl = migrationUrl;
      roles = environmentRoles(project, backup.manifest, opened.target.database);
      openTarget = () => openServer(migrationUrl, { max: 1 });
    } else {
      openTarget = async () => opened.db;
    }
    label = env.name;
    marker = { project: project.name, environment: env.name };
  }
  if (!json) {
    io.err(
      io.style(
        'dim',
        `restoring ${id} (${backup.manifest.totals.tables} tables, ${backup.manifest.totals.rows} rows)…\n`,
      ),
    );
  }
  const options: RestoreOptions = {
    clean,
    ...roles,
    ...(marker ? { marker } : {}),
    onTable: progressReport(io, json, 'loaded'),
  };
  // On a server, into a fresh database switched in at the end when the rights allow; else one transaction.
  let result = url
    ? await restoreBySwitch(backup, url, {
        ...options,
        workers: project.config.backups?.workers ?? 2,
        ...(loadUrl ? { loadUrl } : {}),
      })
    : undefined;
  const strategy = result ? 'switch' : 'transaction';
  if (!result) {
    const db = await openTarget();
    try {
      result = await restoreBackup(backup, db, options);
    } finally {
      await db.close();
    }
  }
  if (json) {
    io.out(`${JSON.stringify({ ...result, strategy, to: label }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `${io.style('green', 'restored')} ${id} into ${label}: ${result.tables} tables, ${result.rows} rows, ${(result.durationMs / 1000).toFixed(1)} s (${strategy === 'switch' ? 'loaded beside it, then switched in' : 'one transaction'})\n`,
  );
  for (const sentence of result.skipped) io.out(io.style('yellow', `  skipped: ${sentence}\n`));
  return 0;
}

/**
 * The source environment's roles renamed to the target's, and the target's roles to give launchdb's
 * access back to; nothing when the names are too long to have been provisioned.
 */
function environmentRoles(
  project: Project,
  manifest: BackupManifest,
  database: string,
): Pick<RestoreOptions, 'roles' | 'environmentRoles'> {
  const source = project.environmentNames().includes(manifest.environment)
    ? databaseNameOf(project.environment(manifest.environment))
    : `${manifest.project}_${manifest.environment}`;
  try {
    return { roles: environmentRoleMap(source, database), environmentRoles: roleNamesOf(database) };
  } catch {
    return {};
  }
}
