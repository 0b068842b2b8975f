// `launchdb audit verify`: proves the environment's trail intact and extending every witnessed head
// (.launchdb/audit-heads and the backups' manifests); exit 1 naming the first bad event.
import type { ExitCode } from '../../core/errors.js';
import { verifyEnvironmentTrail } from '../../stores/postgres/audit/verify-environment.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { backupTarget } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = backupTarget(project, env, input);
  const { db, location } = await openMigrationDatabase(env, {
    command: 'audit verify',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  let verdict: Awaited<ReturnType<typeof verifyEnvironmentTrail>>;
  try {
    verdict = await verifyEnvironmentTrail(project, env, db, { target });
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    io.out(
      `${JSON.stringify({ project: env.project, environment: env.name, location, ...verdict }, null, 2)}\n`,
    );
    return verdict.ok ? 0 : 1;
  }
  const witnessed = `${verdict.witnessed.checked} witnessed head${verdict.witnessed.checked === 1 ? '' : 's'} (${verdict.sources.local} in .launchdb/audit-heads, ${verdict.sources.backups} in backups)`;
  if (verdict.ok) {
    const head = verdict.head ? `, head ${verdict.head.seq} (${verdict.head.hash.slice(0, 12)}…)` : '';
    io.out(
      verdict.started
        ? `${io.style('green', 'intact')}: the audit trail of ${env.name} (${location}) holds ${verdict.events} event${verdict.events === 1 ? '' : 's'}${head}, and extends ${witnessed}\n`
        : `${io.style('green', 'intact')}: ${env.name} (${location}) has no audit events yet; ${witnessed}\n`,
    );
  } else {
    io.out(
      `${io.style('red', `broken at event ${verdict.firstBad}`)}: the audit trail of ${env.name} (${location}) is not as it was written\n`,
    );
    for (const problem of verdict.problems.slice(0, 20)) io.out(`  ${problem.problem}\n`);
    if (verdict.problems.length > 20) io.out(`  … and ${verdict.problems.length - 20} more\n`);
  }
  for (const note of verdict.notes) io.out(io.style('dim', `note: ${note}\n`));
  return verdict.ok ? 0 : 1;
}
