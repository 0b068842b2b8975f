// `launchdb migrate baseline`: records migrations as applied on a database that predates launchdb.
import type { ExitCode } from '../../core/errors.js';
import { recordAsApplied } from '../../stores/postgres/migrate/baseline.js';
import { stringFlag } from '../args.js';
import { confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { migrateContext } from '../migrate-context.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await migrateContext(input, io, 'migrate baseline');
  const { db, location } = await context.open();
  try {
    await confirmChange(context.env, input, io, location);
    const to = stringFlag(input, 'to');
    const recorded = await recordAsApplied(db, context.files, {
      ...(to ? { to } : {}),
      source: 'baseline',
      lockTimeoutMs: context.settings.lockTimeoutMs,
      location,
    });
    if (input.flags.json) {
      io.out(
        `${JSON.stringify({ recorded: recorded.map((file) => ({ version: file.version, name: file.name })) }, null, 2)}\n`,
      );
    } else {
      for (const file of recorded) io.out(`recorded ${file.file} as applied\n`);
      io.out(`${recorded.length} migration${recorded.length === 1 ? '' : 's'} recorded; none was run\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
