// `launchdb migrate verify`: applied migrations against their files, by checksum; exit 1 on a mismatch.
import type { ExitCode } from '../../core/errors.js';
import { readHistory } from '../../stores/postgres/migrate/history.js';
import { migrationStatus } from '../../stores/postgres/migrate/status.js';
import type { Io } from '../io.js';
import { migrateContext } from '../migrate-context.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await migrateContext(input, io, 'migrate verify');
  const { db } = await context.open();
  let status: ReturnType<typeof migrationStatus>;
  try {
    status = migrationStatus(context.files, await readHistory(db));
  } finally {
    await db.close();
  }
  const problems = [
    ...status.changed.map((entry) => ({
      version: entry.version,
      name: entry.name,
      problem: 'changed',
      file: entry.file,
    })),
    ...status.missing.map((entry) => ({
      version: entry.version,
      name: entry.name,
      problem: 'missing',
      file: undefined,
    })),
  ];
  if (input.flags.json) {
    io.out(`${JSON.stringify({ verified: status.applied, problems }, null, 2)}\n`);
  } else {
    for (const problem of problems) {
      io.out(
        problem.problem === 'changed'
          ? `${io.style('red', 'changed')} ${problem.file}: its content differs from when it was applied\n`
          : `${io.style('red', 'missing')} ${problem.version}_${problem.name}: applied, but its file is gone\n`,
      );
    }
    io.out(
      `${status.applied === 1 ? '1 applied migration matches its file' : `${status.applied} applied migrations match their files`}; ${problems.length} do${problems.length === 1 ? 'es' : ''} not\n`,
    );
  }
  return problems.length > 0 ? 1 : 0;
}
