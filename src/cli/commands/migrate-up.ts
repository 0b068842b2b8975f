// `launchdb migrate up`: prints the target, confirms guarded environments, takes the migration lock,
// prints the plan read under it (what this run attempts), applies.
import type { ExitCode } from '../../core/errors.js';
import { type MigrateOptions, type MigrateRun, migrateUp } from '../../stores/postgres/migrate/apply.js';
import { refuseUnsafeMigrations } from '../../stores/postgres/migrate/lint-gate.js';
import { formatFailure } from '../../stores/postgres/migrate/migration-error.js';
import type { MigrationFile } from '../../stores/postgres/migrate/migration-files.js';
import { environmentRoles, withPlaceholders } from '../../stores/postgres/migrate/placeholders.js';
import { loadParser } from '../../stores/postgres/sql/parser.js';
import { stringFlag } from '../args.js';
import { confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { migrateContext, printNotes } from '../migrate-context.js';
import type { CommandInput } from '../spec.js';

/** Plans longer than this are listed in part: the first ones and a count. */
const PLAN_LINES = 20;

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  // Compile the SQL parser (pending files are parsed before anything runs) while the config loads,
  // the files are read and the database connects.
  loadParser().catch(() => {});
  const context = await migrateContext(input, io, 'migrate up');
  const json = input.flags.json === true;
  if (!json) printNotes(io, context.notes);
  const { db, location, target } = await context.open();
  try {
    // The files as they run here: their role placeholders name this environment's roles.
    const roles = environmentRoles(context.env.name, target);
    const files = context.files.map((file) => withPlaceholders(file, roles));
    const to = stringFlag(input, 'to');
    const options: MigrateOptions = {
      ...(to ? { to } : {}),
      allowOutOfOrder: input.flags['allow-out-of-order'] === true,
      lockTimeoutMs: context.settings.lockTimeoutMs,
      sessionLockTimeoutMs: context.settings.sessionLockTimeoutMs,
      statementTimeoutMs: context.settings.statementTimeoutMs,
      location,
    };
    // Pending as of now, without the lock: enough to refuse or confirm, never promised as the plan.
    const pending = await migrateUp(db, files, { ...options, dryRun: true });
    if (input.flags['dry-run'] || pending.results.length === 0) {
      io.err(`target: project ${context.env.project}, environment ${context.env.name}, ${location}\n`);
      report(io, pending, json, context.notes);
      return 0;
    }
    if (context.env.guarded) {
      await refuseUnsafeMigrations(files, pending.results, {
        sessionLockTimeoutMs: context.settings.sessionLockTimeoutMs,
        environment: context.env.name,
      });
      // Whoever types the environment's name sees what is pending; CI passing --confirm needs no list.
      if (!json && input.flags.confirm === undefined)
        list(io, 'pending (the plan is read again under the migration lock)', pending.results);
    }
    // Confirmed before the lock is taken: a prompt waiting on a person must not hold up other deploys.
    await confirmChange(context.env, input, io, location);
    const run = await migrateUp(db, files, {
      ...options,
      // The lint gate judged these; anything else pending once the lock is held is refused.
      ...(context.env.guarded ? { checked: new Set(pending.results.map((entry) => entry.version)) } : {}),
      onEvent: (event) => {
        if (json) return;
        if (event.type === 'planned') {
          if (event.plan.length > 0) list(io, 'plan', event.plan);
          else
            io.err(
              `plan: nothing left to apply; another run applied the ${count(pending.results.length)} pending before this one held the migration lock\n`,
            );
        }
        // Those never attempted after a failure are listed together once the run ends.
        if (event.type !== 'migrated' || event.result.status === 'skipped') return;
        const { result } = event;
        const mark = result.status === 'applied' ? io.style('green', 'applied') : io.style('red', 'failed ');
        io.out(
          `${mark} ${result.file}${result.durationMs === undefined ? '' : ` (${result.durationMs} ms)`}\n`,
        );
        if (result.error) io.out(`        ${formatFailure(result.error)}\n`);
      },
    });
    if (!json) {
      for (const entry of run.results) {
        if (entry.status === 'skipped') io.out(`${io.style('yellow', 'skipped')} ${entry.file}\n`);
      }
    }
    report(io, run, json, context.notes);
    // What drift now expects, cached for the deploy's check on any machine (once drift cached one here).
    if (run.applied > 0 && !run.failed) {
      const { recordExpectedSchema } = await import('../../stores/postgres/schema/drift.js');
      const layout = context.settings.layout;
      const cached = await recordExpectedSchema(context.env, target, db, {
        files: context.files,
        layout,
      }).catch(() => undefined);
      if (cached && !json)
        io.err(io.style('dim', `expected schema cached for drift (${cached.replayed} replayed)\n`));
    }
    return run.failed ? 1 : 0;
  } finally {
    await db.close();
  }
}

/** `plan: 3 migrations` and the first of their files. */
function list(io: Io, title: string, files: readonly Pick<MigrationFile, 'file'>[]): void {
  io.err(`${title}: ${count(files.length)}\n`);
  for (const entry of files.slice(0, PLAN_LINES)) io.err(`  ${entry.file}\n`);
  const more = files.length - PLAN_LINES;
  if (more > 0) io.err(`  … and ${more} more (--dry-run lists them all)\n`);
}

function count(migrations: number): string {
  return `${migrations} migration${migrations === 1 ? '' : 's'}`;
}

function report(io: Io, run: MigrateRun, json: boolean, notes: readonly string[]): void {
  if (json) {
    io.out(
      `${JSON.stringify({ dryRun: run.dryRun, applied: run.applied, failed: run.failed ? 1 : 0, results: run.results, notes }, null, 2)}\n`,
    );
    return;
  }
  if (run.dryRun) {
    if (run.results.length === 0) io.out('nothing to apply: every migration is applied\n');
    for (const entry of run.results) io.out(`pending ${entry.file}\n`);
    return;
  }
  const skipped = run.results.filter((entry) => entry.status === 'skipped').length;
  const summary = `${run.applied} applied${run.failed ? ', 1 failed' : ''}${skipped ? `, ${skipped} not attempted` : ''}`;
  io.out(`${run.failed ? io.style('red', summary) : io.style('green', summary)}\n`);
}
