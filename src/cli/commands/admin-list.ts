// `launchdb admin list`: each admin the app has, with its recorded owner or UNDOCUMENTED.
import type { ExitCode } from '../../core/errors.js';
import {
  type ListedAdmin,
  listAdmins,
  prepareAdminList,
  requireAdminConfig,
} from '../../stores/postgres/admin/list-admins.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { env } = context;
  const admin = requireAdminConfig(context.project.config, context.project.file);
  await prepareAdminList(admin);
  const { db } = await openMigrationDatabase(env, {
    command: 'admin list',
    ...(context.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: context.connectTimeoutMs }),
  });
  let admins: ListedAdmin[];
  try {
    admins = await listAdmins(db, admin, env.name);
  } finally {
    await db.close();
  }
  const undocumented = admins.filter((entry) => !entry.documented).length;
  if (input.flags.json) {
    const document = {
      environment: env.name,
      admins: admins.map((entry) => ({
        email: entry.email,
        name: entry.name,
        owner: entry.owner,
        documented: entry.documented,
        reason: entry.record?.reason ?? null,
        createdBy: entry.record?.createdBy ?? null,
        createdByOsUser: entry.record?.createdByOsUser ?? null,
        createdAt: entry.record?.createdAt ?? null,
      })),
      undocumented,
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  if (admins.length === 0) {
    io.out(`environment ${env.name}: the app has no admin\n`);
    return 0;
  }
  const rows = admins.map((entry) => [
    entry.email,
    entry.name ?? '',
    entry.documented ? entry.owner : io.style('red', entry.owner),
    entry.record?.reason ?? '',
    entry.record ? `${entry.record.createdBy} (${entry.record.createdByOsUser})` : '',
    entry.record?.createdAt ?? '',
  ]);
  io.out(
    `${renderTable(rows, { header: ['email', 'name', 'owner', 'reason', 'created by', 'created at'] })}\n`,
  );
  if (undocumented > 0) {
    io.out(
      `${io.style('yellow', `${undocumented} undocumented`)}: record an owner with launchdb admin create --env ${env.name} --email EMAIL --owner "Name <email>"\n`,
    );
  }
  return 0;
}
