// `launchdb audit verify`: proves the environment's trail intact and extending every witnessed head
// (.launchdb/audit-heads, the backups' manifests, the control database); exit 1 naming the first bad event.
import { readControlWitnesses } from '../../control/control-witnesses.js';
import type { ExitCode } from '../../core/errors.js';
import { verifyEnvironmentTrail } from '../../stores/postgres/audit/verify-environment.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { backupTarget } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { headText, renderBrokenTrail, renderTrailNotes, witnessedText } from '../render/audit-verdict.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = backupTarget(project, env, input);
  const timeout = connectTimeoutMs === undefined ? {} : { connectTimeoutMs };
  const { db, location } = await openMigrationDatabase(env, { command: 'audit verify', ...timeout });
  let verdict: Awaited<ReturnType<typeof verifyEnvironmentTrail>>;
  try {
    // A control database that exists is a witness like the others: one that cannot be reached is
    // exit 3, not a proof that skipped it. One that does not exist is not created to read nothing.
    const control = readControlWitnesses(project, env, {
      command: 'audit verify',
      openEmbedded: true,
      onError: 'throw',
      ...timeout,
    });
    verdict = await verifyEnvironmentTrail(project, env, db, { target, control });
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    io.out(
      `${JSON.stringify({ project: env.project, environment: env.name, location, ...verdict }, null, 2)}\n`,
    );
    return verdict.ok ? 0 : 1;
  }
  const witnessed = witnessedText(verdict);
  if (verdict.ok) {
    const head = verdict.head ? `, ${headText(verdict.head)}` : '';
    io.out(
      verdict.started
        ? `${io.style('green', 'intact')}: the audit trail of ${env.name} (${location}) holds ${verdict.events} event${verdict.events === 1 ? '' : 's'}${head}, and extends ${witnessed}\n`
        : `${io.style('green', 'intact')}: ${env.name} (${location}) has no audit events yet; ${witnessed}\n`,
    );
  } else {
    renderBrokenTrail(verdict, { environment: env.name, location }, io);
  }
  renderTrailNotes(verdict, io);
  return verdict.ok ? 0 : 1;
}
