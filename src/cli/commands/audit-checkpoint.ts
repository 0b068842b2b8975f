// `launchdb audit checkpoint`: verifies the environment's trail as `audit verify` does and, when it is
// intact, witnesses its signed head in the control database. Exit 1, nothing witnessed, naming the
// first bad event when it is not. The scheduler's `audit-checkpoint` job runs it.
import { type AuditCheckpoint, checkpointAuditTrail } from '../../control/audit-checkpoint.js';
import { type ControlDatabase, openControlDatabase } from '../../control/open-control.js';
import type { ExitCode } from '../../core/errors.js';
import {
  type MigrationDatabase,
  openMigrationDatabase,
} from '../../stores/postgres/migrate/migration-database.js';
import { backupTarget } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { headText, renderBrokenTrail, renderTrailNotes, witnessedText } from '../render/audit-verdict.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = backupTarget(project, env, input);
  const timeout = connectTimeoutMs === undefined ? {} : { connectTimeoutMs };
  // Both at once: each embedded one takes 0.3–0.5 s to open.
  const [trail, control] = await openBoth(
    openMigrationDatabase(env, { command: 'audit checkpoint', ...timeout }),
    openControlDatabase(project, { command: 'audit checkpoint', ...timeout }),
  );
  let checkpoint: AuditCheckpoint;
  try {
    checkpoint = await checkpointAuditTrail(project, env, trail.db, control, { target });
  } finally {
    await Promise.all([trail.db.close(), control.close()]);
  }
  const { verdict, witnessed } = checkpoint;
  if (input.flags.json) {
    const document = {
      project: env.project,
      environment: env.name,
      location: trail.location,
      control: control.location,
      ...verdict,
      checkpoint: witnessed,
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
    return verdict.ok ? 0 : 1;
  }
  const where = `the audit trail of ${env.name} (${trail.location})`;
  if (!verdict.ok) {
    renderBrokenTrail(verdict, { environment: env.name, location: trail.location }, io);
    io.out(`nothing witnessed in the control database ${control.location}\n`);
  } else if (!witnessed) {
    io.out(
      `${env.name} (${trail.location}) has no audit events yet: nothing to witness; ${witnessedText(verdict)}\n`,
    );
  } else {
    io.out(
      witnessed.new
        ? `${io.style('green', 'witnessed')}: ${headText(witnessed)} of ${where}, in the control database ${control.location}\n`
        : `${io.style('green', 'already witnessed')}: ${headText(witnessed)} of ${where} is in the control database ${control.location}; the trail has not grown since\n`,
    );
    io.out(
      `  ${verdict.events} event${verdict.events === 1 ? '' : 's'} intact, extending ${witnessedText(verdict)}\n`,
    );
  }
  renderTrailNotes(verdict, io);
  return verdict.ok ? 0 : 1;
}

/** Both databases, or neither: one that opened is closed when the other fails. */
async function openBoth(
  trail: Promise<MigrationDatabase>,
  control: Promise<ControlDatabase>,
): Promise<[MigrationDatabase, ControlDatabase]> {
  const [opened, controlled] = await Promise.allSettled([trail, control]);
  if (opened.status === 'fulfilled' && controlled.status === 'fulfilled') {
    return [opened.value, controlled.value];
  }
  if (opened.status === 'fulfilled') await opened.value.db.close().catch(() => {});
  if (controlled.status === 'fulfilled') await controlled.value.close().catch(() => {});
  // The control database's failure first: without it there is nowhere to witness.
  throw controlled.status === 'rejected' ? controlled.reason : (opened as PromiseRejectedResult).reason;
}
