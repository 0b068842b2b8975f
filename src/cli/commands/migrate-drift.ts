// `launchdb migrate drift`: the live schema against what the migrations make; exit 1 when they differ.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { migrationSettings } from '../../stores/postgres/migrate/migration-settings.js';
import { type DriftResult, detectDrift } from '../../stores/postgres/schema/drift.js';
import {
  connectTimeoutOf,
  type PostgresTarget,
  resolveAdminUrl,
  resolvePostgresTarget,
} from '../../stores/postgres/target.js';
import { stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = resolvePostgresTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no Postgres store to compare`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  const { dir, layout } = migrationSettings(project);
  const json = input.flags.json === true;
  const adminUrl = resolveAdminUrl(env, stringFlag(input, 'admin-url'));
  if (adminUrl) io.secrets.add(new URL(adminUrl).password);
  if (!json) io.err(io.style('dim', `comparing ${where(target)} with the migrations in ${dir}…\n`));
  const result = await detectDrift(env, target, {
    migrationsDir: dir,
    layout,
    adminUrl: adminUrl ?? null,
    connectTimeoutMs: connectTimeoutOf(env, connectTimeoutMs),
    command: 'migrate drift',
  });
  if (json) {
    const document = {
      project: project.name,
      environment: env.name,
      drift: result.items,
      shadow: result.shadow,
      migrations: result.migrations,
      expectedSchema: result.expectedSchema,
      liveSchema: result.liveSchema,
      notes: result.notes,
      durationMs: result.durations.totalMs,
      durations: result.durations,
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.out(render(result, env.name, where(target), dir, io));
  }
  return result.items.length > 0 ? 1 : 0;
}

function where(target: PostgresTarget): string {
  return target.backing === 'embedded' ? target.location : `${target.host}:${target.port}/${target.database}`;
}

function render(result: DriftResult, environment: string, location: string, dir: string, io: Io): string {
  const lines = result.notes.map((note) => io.style('yellow', `note: ${note}`));
  const seconds = (result.durations.totalMs / 1000).toFixed(1);
  const how = `${result.migrations} applied migration${result.migrations === 1 ? '' : 's'} in ${dir}, ${madeBy(result)}, ${seconds} s`;
  if (result.items.length === 0) {
    lines.push(`${io.style('green', 'no drift')}: ${location} is what the migrations make (${how})`);
  } else {
    const count = `${result.items.length} difference${result.items.length === 1 ? '' : 's'}`;
    lines.push(`${io.style('red', 'drift')} in ${environment} (${location}): ${count} (${how})`);
    for (const item of result.items) lines.push(`  - ${item.sentence}`);
    lines.push(
      io.style(
        'dim',
        'fix: put each intended change in a migration (`launchdb migrate new NAME`), or undo the manual change',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Where the expected schema came from: a cache, or the migrations replayed into which shadow. */
function madeBy(result: DriftResult): string {
  const { cached, source, replayed } = result.expectedSchema;
  if (cached) return `expected schema from ${source}`;
  const backing = result.shadow === 'embedded' ? 'embedded' : 'server';
  if (source === 'new shadow')
    return `replayed into ${backing === 'embedded' ? 'an embedded' : 'a server'} shadow`;
  const kept = `the kept ${backing} shadow`;
  if (replayed === 0) return `${kept}, already at the last applied migration`;
  if (replayed < result.migrations) return `${replayed} new replayed into ${kept}`;
  return `replayed into ${kept}`;
}
