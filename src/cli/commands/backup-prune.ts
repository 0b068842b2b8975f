// `launchdb backup prune`: what the retention policy would delete, and with --yes, deletes it.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { planPrune, removeBackups } from '../../stores/postgres/backup/prune.js';
import { backupTarget, formatBytes } from '../backup-context.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env } = await commandContext(input, io);
  const policy = project.config.backups?.retention;
  if (!policy) {
    throw new UsageError('no retention policy: backups.retention is not in the config', {
      fix: 'add backups: { retention: { daily: 7, weekly: 4, monthly: 6 } } (or { days: 30 }); see docs/BACKUPS.md',
    });
  }
  const target = backupTarget(project, env, input);
  const plan = await planPrune(target, policy, new Date());
  const yes = input.flags.yes === true;
  if (yes && plan.remove.length > 0) {
    // Backups are a guarded environment's data too: deleting them asks like any other change.
    await confirmChange(env, input, io, `${plan.remove.length} backup(s) in ${target.location} deleted`);
    await removeBackups(target, plan.remove);
  }
  if (input.flags.json) {
    const document = {
      environment: env.name,
      target: target.location,
      policy,
      deleted: yes,
      keep: plan.keep.map((entry) => ({
        id: entry.backup.id,
        at: entry.backup.at.toISOString(),
        reasons: entry.reasons,
      })),
      remove: plan.remove.map((backup) => ({
        id: backup.id,
        at: backup.at.toISOString(),
        bytes: backup.bytes,
      })),
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  const rows = [
    ...plan.keep.map((entry) => [entry.backup.id, io.style('green', 'keep'), entry.reasons.join(', ')]),
    ...plan.remove.map((backup) => [
      backup.id,
      io.style(yes ? 'red' : 'yellow', yes ? 'deleted' : 'delete'),
      formatBytes(backup.bytes),
    ]),
  ];
  if (rows.length > 0) io.out(`${renderTable(rows, { header: ['backup', 'retention', 'why / size'] })}\n`);
  const freed = formatBytes(plan.remove.reduce((sum, backup) => sum + backup.bytes, 0));
  if (plan.remove.length === 0) io.out(`nothing to delete: every backup of ${env.name} is kept\n`);
  else if (yes) io.out(`deleted ${plan.remove.length} backup(s) of ${env.name}, ${freed}\n`);
  else
    io.out(
      `${plan.remove.length} backup(s) would be deleted (${freed}); run again with --yes to delete them\n`,
    );
  return 0;
}
