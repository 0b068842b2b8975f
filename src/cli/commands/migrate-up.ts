// `launchdb migrate up`: prints the target and plan, confirms guarded environments, applies.
import type { ExitCode } from '../../core/errors.js';
import { type MigrateOptions, type MigrateRun, migrateUp } from '../../stores/postgres/migrate/apply.js';
import { refuseUnsafeMigrations } from '../../stores/postgres/migrate/lint-gate.js';
import { formatFailure } from '../../stores/postgres/migrate/migration-error.js';
import { loadParser } from '../../stores/postgres/sql/parser.js';
import { stringFlag } from '../args.js';
import { confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { migrateContext } from '../migrate-context.js';
import type { CommandInput } from '../spec.js';

/** Plans longer than this are listed in part: the first ones and a count. */
const PLAN_LINES = 20;

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  // Compile the SQL parser (pending files are parsed before anything runs) while the config loads,
  // the files are read and the database connects.
  loadParser().catch(() => {});
  const context = await migrateContext(input, io, 'migrate up');
  const json = input.flags.json === true;
  const { db, location } = await context.open();
  try {
    const to = stringFlag(input, 'to');
    const options: MigrateOptions = {
      ...(to ? { to } : {}),
      allowOutOfOrder: input.flags['allow-out-of-order'] === true,
      lockTimeoutMs: context.settings.lockTimeoutMs,
      sessionLockTimeoutMs: context.settings.sessionLockTimeoutMs,
      statementTimeoutMs: context.settings.statementTimeoutMs,
      location,
    };
    const plan = await migrateUp(db, context.files, { ...options, dryRun: true });
    if (input.flags['dry-run'] || plan.results.length === 0) {
      io.err(`target: project ${context.env.project}, environment ${context.env.name}, ${location}\n`);
      report(io, plan, json);
      return 0;
    }
    if (!json) {
      io.err(`plan: ${plan.results.length} migration${plan.results.length > 1 ? 's' : ''}\n`);
      for (const entry of plan.results.slice(0, PLAN_LINES)) io.err(`  ${entry.file}\n`);
      const more = plan.results.length - PLAN_LINES;
      if (more > 0) io.err(`  … and ${more} more (--dry-run lists them all)\n`);
    }
    if (context.env.guarded) {
      await refuseUnsafeMigrations(context.files, plan.results, {
        sessionLockTimeoutMs: context.settings.sessionLockTimeoutMs,
        environment: context.env.name,
      });
    }
    await confirmChange(context.env, input, io, location);
    const run = await migrateUp(db, context.files, {
      ...options,
      onEvent: (event) => {
        if (json || event.type !== 'migrated') return;
        const { result } = event;
        const mark = result.status === 'applied' ? io.style('green', 'applied') : io.style('red', 'failed ');
        io.out(
          `${mark} ${result.file}${result.durationMs === undefined ? '' : ` (${result.durationMs} ms)`}\n`,
        );
        if (result.error) io.out(`        ${formatFailure(result.error)}\n`);
      },
    });
    report(io, run, json);
    return run.failed ? 1 : 0;
  } finally {
    await db.close();
  }
}

function report(io: Io, run: MigrateRun, json: boolean): void {
  if (json) {
    io.out(
      `${JSON.stringify({ dryRun: run.dryRun, applied: run.applied, failed: run.failed ? 1 : 0, results: run.results }, null, 2)}\n`,
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
