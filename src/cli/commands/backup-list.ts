// `launchdb backup list`: the environment's complete backups, newest first, with what is known of each.
import type { ExitCode } from '../../core/errors.js';
import { listBackups } from '../../stores/postgres/backup/list-backups.js';
import { backupTarget, formatBytes } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env } = await commandContext(input, io);
  const target = backupTarget(project, env, input);
  const owners = project.config.backups?.restoreOwners ?? [];
  const ownersLine = owners.length
    ? `can restore: ${owners.map((owner) => `${owner.name} (${owner.contact})`).join(', ')}\n`
    : io.style('yellow', 'nobody is named who can restore data: set backups.restoreOwners\n');
  const { backups: listed } = await listBackups(target);
  if (input.flags.json) {
    io.out(
      `${JSON.stringify({ environment: env.name, target: target.location, backups: listed }, null, 2)}\n`,
    );
    return 0;
  }
  if (listed.length === 0) {
    io.out(
      `no backups of ${env.name} in ${target.location}: take one with \`launchdb backup create --env ${env.name}\`\n`,
    );
    return 0;
  }
  const rows = listed.map((entry) => [
    entry.id,
    entry.time.replace('T', ' ').slice(0, 19),
    formatBytes(entry.bytes),
    `${(entry.durationMs / 1000).toFixed(1)} s`,
    String(entry.tables),
    String(entry.rows),
    entry.encrypted ? 'yes' : io.style('yellow', 'no'),
    entry.verified
      ? entry.verified.ok
        ? entry.verified.at.slice(0, 10)
        : io.style('red', 'DAMAGED')
      : 'never',
  ]);
  io.out(
    `${renderTable(rows, {
      header: ['id', 'time (UTC)', 'size', 'took', 'tables', 'rows', 'encrypted', 'verified'],
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
    })}\n`,
  );
  io.out(ownersLine);
  return 0;
}
