// `launchdb migrate status`: every migration and its state; `--check` makes anything amiss exit 1.
import type { ExitCode } from '../../core/errors.js';
import { readHistory } from '../../stores/postgres/migrate/history.js';
import { isClean, migrationStatus } from '../../stores/postgres/migrate/status.js';
import type { Io } from '../io.js';
import { migrateContext, printNotes } from '../migrate-context.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

const STYLE = {
  applied: 'green',
  pending: 'yellow',
  'out-of-order': 'red',
  changed: 'red',
  missing: 'red',
} as const;

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await migrateContext(input, io, 'migrate status');
  const { db, location } = await context.open();
  let status: ReturnType<typeof migrationStatus>;
  try {
    status = migrationStatus(context.files, await readHistory(db));
  } finally {
    await db.close();
  }
  const clean = isClean(status);
  const counts = {
    applied: status.applied,
    pending: status.pending.length,
    outOfOrder: status.outOfOrder.length,
    changed: status.changed.length,
    missing: status.missing.length,
  };
  if (input.flags.json) {
    io.out(
      `${JSON.stringify({ project: context.env.project, environment: context.env.name, location, clean, counts, migrations: status.entries, notes: context.notes }, null, 2)}\n`,
    );
  } else {
    printNotes(io, context.notes);
    io.out(`migrations of ${context.env.project}, environment ${context.env.name} (${location})\n\n`);
    if (status.entries.length > 0) {
      const rows = status.entries.map((entry) => [
        io.style(STYLE[entry.state], entry.state),
        entry.version,
        entry.name,
        entry.appliedAt ? `${entry.appliedAt.slice(0, 19).replace('T', ' ')} by ${entry.appliedBy}` : '',
      ]);
      io.out(`${renderTable(rows, { header: ['STATE', 'VERSION', 'NAME', 'APPLIED'] })}\n\n`);
    }
    io.out(
      `${counts.applied} applied, ${counts.pending} pending, ${counts.outOfOrder} out of order, ${counts.changed} changed, ${counts.missing} missing\n`,
    );
  }
  return input.flags.check && !clean ? 1 : 0;
}
