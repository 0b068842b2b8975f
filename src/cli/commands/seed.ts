// `launchdb seed`: applies reference then demo seeds (demo never in a production-like environment);
// `--status` lists each file as applied, pending, changed or missing, and exits 1 on a changed reference
// seed or a demo seed applied to a production-like environment.
import type { ExitCode } from '../../core/errors.js';
import { UsageError } from '../../core/errors.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { formatFailure } from '../../stores/postgres/migrate/migration-error.js';
import { migrationSettings } from '../../stores/postgres/migrate/migration-settings.js';
import {
  applySeeds,
  checkSeeds,
  planSeeds,
  type SeedPlan,
  type SeedResult,
  type SeedRun,
} from '../../stores/postgres/seed/apply-seeds.js';
import { readSeedFiles, SEED_KINDS, type SeedKind, seedsDir } from '../../stores/postgres/seed/seed-files.js';
import { readSeedLog } from '../../stores/postgres/seed/seed-log.js';
import { referenceChanged, seedLabel, seedStatus } from '../../stores/postgres/seed/seed-status.js';
import { stringFlag } from '../args.js';
import { type CommandContext, commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const kind = kindFlag(input);
  const json = input.flags.json === true;
  if (input.flags.status) return status(context, kind, io, json);
  // Everything that can be refused is refused before connecting: demo seeds for a guarded
  // environment, a bad file name, a seed that fails the lint or does not parse.
  const files = readSeedFiles(context.project, kind ? [kind] : SEED_KINDS);
  const plan = planSeeds(context.env, files, kind);
  const checked = await checkSeeds(plan.files);
  if (plan.withheld.length > 0) io.err(`${io.style('yellow', 'note:')} ${withheldNote(plan)}\n`);
  if (plan.files.length === 0) {
    if (json) io.out(`${JSON.stringify(document(context, undefined, plan, undefined), null, 2)}\n`);
    else {
      const what = kind ?? (context.env.guarded ? 'reference' : 'seed');
      io.out(`nothing to seed: no ${what} files under ${seedsDir(context.project)}/\n`);
    }
    return 0;
  }
  const { db, location } = await open(context);
  try {
    await confirmChange(context.env, input, io, location);
    const run = await applySeeds(db, context.env, checked, {
      lockTimeoutMs: migrationSettings(context.project).lockTimeoutMs,
      location,
      ...(context.project.config.seeds?.keys ? { keys: context.project.config.seeds.keys } : {}),
      onEvent: (result) => {
        if (!json) io.out(`${describe(io, result)}\n`);
      },
    });
    if (json) io.out(`${JSON.stringify(document(context, location, plan, run), null, 2)}\n`);
    else io.out(`${summary(io, run)}\n`);
    return run.failed ? 1 : 0;
  } finally {
    await db.close();
  }
}

function kindFlag(input: CommandInput): SeedKind | undefined {
  const kind = stringFlag(input, 'kind');
  if (kind === undefined || (SEED_KINDS as readonly string[]).includes(kind))
    return kind as SeedKind | undefined;
  throw new UsageError(`--kind ${kind} is not a seed kind`, { fix: 'use --kind reference or --kind demo' });
}

function open(context: CommandContext) {
  return openMigrationDatabase(context.env, {
    command: 'seed',
    ...(context.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: context.connectTimeoutMs }),
  });
}

function withheldNote(plan: SeedPlan): string {
  const count = plan.withheld.length;
  return `${count} demo seed file${count === 1 ? ' was' : 's were'} not applied: ${plan.withheldReason}`;
}

const MARK = {
  applied: 'green',
  skipped: 'gray',
  failed: 'red',
  'not-attempted': 'yellow',
} as const;

function describe(io: Io, result: SeedResult): string {
  const mark = io.style(MARK[result.status], result.status.padEnd(13));
  const facts = [
    result.rows === undefined
      ? ''
      : `${result.rows} row${result.rows === 1 ? '' : 's'}, ${result.written} written`,
    result.status === 'skipped' ? 'already applied with this content' : '',
    result.durationMs === undefined ? '' : `${result.durationMs} ms`,
  ].filter(Boolean);
  const line = `${mark} ${result.file}${facts.length ? ` (${facts.join(', ')})` : ''}`;
  return result.error ? `${line}\n              ${formatFailure(result.error)}` : line;
}

function summary(io: Io, run: SeedRun): string {
  const notAttempted = run.results.filter((result) => result.status === 'not-attempted').length;
  const text = [
    `${run.applied} applied`,
    run.skipped ? `${run.skipped} skipped` : '',
    run.failed ? '1 failed (rolled back, not logged)' : '',
    notAttempted ? `${notAttempted} not attempted` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return run.failed ? io.style('red', text) : io.style('green', text);
}

function document(
  context: CommandContext,
  location: string | undefined,
  plan: SeedPlan,
  run: SeedRun | undefined,
) {
  return {
    project: context.env.project,
    environment: context.env.name,
    ...(location ? { location } : {}),
    applied: run?.applied ?? 0,
    skipped: run?.skipped ?? 0,
    failed: run?.failed ? 1 : 0,
    withheld: { reason: plan.withheldReason ?? null, files: plan.withheld.map((file) => file.file) },
    results: run?.results ?? [],
  };
}

const STATE_STYLE = { applied: 'green', pending: 'yellow', changed: 'red', missing: 'red' } as const;

async function status(context: CommandContext, kind: SeedKind | undefined, io: Io, json: boolean) {
  const kinds = kind ? [kind] : SEED_KINDS;
  const files = readSeedFiles(context.project, kinds);
  const { db, location } = await open(context);
  let result: ReturnType<typeof seedStatus>;
  try {
    result = seedStatus(files, await readSeedLog(db), { kinds, guarded: context.env.guarded });
  } finally {
    await db.close();
  }
  const demoApplied = result.demoApplied;
  const changed = referenceChanged(result);
  const counts = {
    applied: result.applied,
    pending: result.pending.length,
    changed: result.changed.length,
    missing: result.missing.length,
  };
  if (json) {
    io.out(
      `${JSON.stringify({ project: context.env.project, environment: context.env.name, location, counts, referenceChanged: changed.length, demoApplied: demoApplied.length, seeds: result.entries }, null, 2)}\n`,
    );
    return changed.length + demoApplied.length > 0 ? 1 : 0;
  }
  io.out(`seeds of ${context.env.project}, environment ${context.env.name} (${location})\n\n`);
  if (result.entries.length > 0) {
    const rows = result.entries.map((entry) => [
      io.style(STATE_STYLE[entry.state], entry.state),
      entry.kind,
      seedLabel(entry),
      entry.appliedAt ? `${entry.appliedAt.slice(0, 19).replace('T', ' ')} by ${entry.appliedBy}` : '',
    ]);
    io.out(`${renderTable(rows, { header: ['STATE', 'KIND', 'FILE', 'LAST APPLIED'] })}\n\n`);
  }
  io.out(
    `${counts.applied} applied, ${counts.pending} pending, ${counts.changed} changed, ${counts.missing} missing\n`,
  );
  if (demoApplied.length > 0) {
    io.out(
      `${io.style('red', `${demoApplied.length} demo seed${demoApplied.length === 1 ? ' was' : 's were'} applied to ${context.env.name}`)}, a production-like environment: run \`launchdb scan data --env ${context.env.name}\` to find the data\n`,
    );
  }
  if (changed.length > 0) {
    io.out(
      `${io.style('red', `${changed.length} reference seed${changed.length === 1 ? '' : 's'} changed since applied:`)} run \`launchdb seed --env ${context.env.name} --kind reference\` to apply ${changed.length === 1 ? 'it' : 'them'}\n`,
    );
  }
  return changed.length + demoApplied.length > 0 ? 1 : 0;
}
