// `launchdb migrate adopt --from TOOL`: takes over another tool's migration history, so nothing runs twice.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import {
  type AdoptResult,
  adoptMigrations,
  type MigrationRef,
} from '../../stores/postgres/migrate/adopt/adopt.js';
import { ADOPT_TOOLS, type AdoptTool, isAdoptTool } from '../../stores/postgres/migrate/adopt/index.js';
import { stringFlag } from '../args.js';
import { confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { migrateContext, printNotes } from '../migrate-context.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const tool = toolOf(input);
  // The files are read with the config's layout when it names one, else with the tool's own.
  const context = await migrateContext(input, io, 'migrate adopt', { defaultLayout: tool });
  const { layout, dir } = context.settings;
  const notes = [
    ...context.notes,
    ...notesOf(tool, context.project.config.migrations?.layout, layout, dir, context.files.length),
  ];
  const { db, location } = await context.open();
  let result: AdoptResult;
  try {
    const options = {
      project: { root: context.project.root, dir, layout, files: context.files },
      lockTimeoutMs: context.settings.lockTimeoutMs,
      location,
    };
    // A plan first: a missing history table is bad input before anyone is asked to confirm.
    result = await adoptMigrations(db, tool, { ...options, dryRun: true });
    if (result.adopted.length > 0) {
      await confirmChange(context.env, input, io, location);
      result = await adoptMigrations(db, tool, options);
    } else {
      io.err(`target: project ${context.env.project}, environment ${context.env.name}, ${location}\n`);
    }
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    const document = {
      project: context.env.project,
      environment: context.env.name,
      location,
      tool,
      table: result.table,
      layout,
      dir,
      adopted: result.adopted,
      alreadyRecorded: result.alreadyRecorded,
      unmatched: result.unmatched,
      ignored: result.ignored,
      changed: result.changed,
      notes,
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    printNotes(io, notes);
    io.out(render(result, dir, io));
  }
  return 0;
}

function toolOf(input: CommandInput): AdoptTool {
  const from = stringFlag(input, 'from');
  if (from === undefined) {
    throw new UsageError('migrate adopt needs --from TOOL: the tool whose history to take over', {
      fix: `e.g. launchdb migrate adopt --from prisma (one of ${ADOPT_TOOLS.join(', ')})`,
    });
  }
  if (isAdoptTool(from)) return from;
  const guess = suggest(from, ADOPT_TOOLS);
  throw new UsageError(`--from ${from} is not a tool launchdb can adopt from`, {
    fix: guess ? `did you mean --from ${guess}?` : `use one of ${ADOPT_TOOLS.join(', ')}`,
  });
}

function notesOf(
  tool: AdoptTool,
  configured: string | undefined,
  layout: string,
  dir: string,
  files: number,
): string[] {
  const notes: string[] = [];
  if (configured === undefined) {
    notes.push(
      `read ${dir} with ${tool}'s layout; set migrations: { layout: '${tool}' } in the config so that status and up read these files too`,
    );
  } else if (configured !== tool) {
    notes.push(
      `read ${dir} with the config's layout, ${layout}; ${tool}'s history rows are matched by version`,
    );
  }
  if (files === 0) notes.push(`no migration files in ${dir}`);
  return notes;
}

function render(result: AdoptResult, dir: string, io: Io): string {
  const lines: string[] = [];
  for (const migration of result.adopted) lines.push(`recorded ${migration.file} as applied`);
  for (const migration of result.alreadyRecorded) {
    lines.push(io.style('dim', `already recorded ${migration.file}`));
  }
  if (result.unmatched.length > 0) {
    lines.push(
      io.style(
        'yellow',
        `${plural(result.unmatched.length, 'history row')} in ${result.table} name${result.unmatched.length === 1 ? 's' : ''} no migration in ${dir}; not recorded:`,
      ),
    );
    for (const row of result.unmatched) lines.push(`  ${row.label}`);
  }
  if (result.ignored.length > 0) {
    lines.push(`${plural(result.ignored.length, 'history row')} not applied by the tool's own account:`);
    for (const row of result.ignored) lines.push(`  ${row.label}: ${row.reason}`);
  }
  if (result.changed.length > 0) {
    lines.push(io.style('yellow', 'changed since the tool applied them (the database has the older SQL):'));
    for (const migration of result.changed) lines.push(`  ${describe(migration)}`);
  }
  lines.push(
    `adopted ${result.adopted.length}, already recorded ${result.alreadyRecorded.length}, unmatched ${result.unmatched.length} (from ${result.table}; nothing was run)`,
  );
  return `${lines.join('\n')}\n`;
}

function describe(migration: MigrationRef): string {
  return `${migration.file} (version ${migration.version})`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
