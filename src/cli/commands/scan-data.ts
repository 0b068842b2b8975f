// `launchdb scan data`: demo users, test keys, placeholder content and demo-seed values in an environment's data.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { DEFAULT_CONCURRENCY, type ScanResult, scanData } from '../../stores/postgres/scan/scan-data.js';
import { openScanReader } from '../../stores/postgres/scan/scan-reader.js';
import { connectTimeoutOf, resolvePostgresTarget } from '../../stores/postgres/target.js';
import { integerFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const rowsPerTable = integerFlag(input, 'rows-per-table');
  const full = input.flags.full === true;
  const json = input.flags.json === true;
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = resolvePostgresTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no Postgres store to scan`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  // The owner's credentials where attach recorded them: the scan reads what the app may not, too.
  const db = await openScanReader(target, {
    connectTimeoutMs: connectTimeoutOf(env, connectTimeoutMs),
    root: env.root,
    command: 'scan data',
    max: project.config.scan?.concurrency ?? DEFAULT_CONCURRENCY,
  });
  let result: ScanResult;
  try {
    if (!json) {
      const how = full
        ? 'every row'
        : `at most ${(rowsPerTable ?? project.config.scan?.rowsPerTable ?? 10_000).toLocaleString('en-US')} rows per table`;
      io.err(io.style('dim', `scanning ${db.location} (environment ${env.name}), ${how}…\n`));
    }
    result = await scanData(db, project, env, {
      ...(rowsPerTable === undefined ? {} : { rowsPerTable }),
      full,
      ...(full && !json
        ? {
            onTable: (table) =>
              io.err(io.style('dim', `  ${table.table}: ${count(table.examinedRows)} rows\n`)),
          }
        : {}),
    });
  } finally {
    await db.close();
  }

  if (json) io.out(`${JSON.stringify({ project: project.name, ...result }, null, 2)}\n`);
  else io.out(render(result, io));

  if (result.verdict === 'fail') return 1;
  return input.flags.strict === true && result.verdict === 'warn' ? 1 : 0;
}

const count = (n: number) => n.toLocaleString('en-US');

function render(result: ScanResult, io: Io): string {
  const lines: string[] = [];
  if (result.findings.length > 0) {
    const rows = result.findings.map((finding) => [
      io.style(finding.severity === 'fail' ? 'red' : 'yellow', finding.severity),
      `${finding.table}.${finding.column}`,
      finding.pattern,
      count(finding.count),
      finding.samples
        .map((sample) => (finding.seedFile ? `${sample}  (${finding.seedFile})` : sample))
        .join('\n'),
    ]);
    lines.push(
      renderTable(rows, {
        header: ['severity', 'column', 'pattern', 'count', 'samples'],
        align: ['left', 'left', 'left', 'right', 'left'],
      }),
      '',
    );
  }
  for (const entry of result.skipped) lines.push(io.style('dim', `skipped ${entry.table}: ${entry.reason}`));
  for (const entry of result.unread)
    lines.push(
      io.style(
        'yellow',
        `not read ${entry.table}: ${entry.error}${entry.grant ? ` (fix: ${entry.grant})` : ''}`,
      ),
    );
  for (const note of result.notes) lines.push(io.style('yellow', `note: ${note}`));
  lines.push(sampledLine(result));

  const fails = result.findings.filter((finding) => finding.severity === 'fail').length;
  const warns = result.findings.length - fails;
  const unread = new Set(result.unread.map((entry) => entry.table)).size;
  if (result.findings.length === 0 && unread > 0) {
    lines.push(
      io.style(
        'yellow',
        `no demo data in what was read, but ${unread} table(s) not fully scanned in ${result.environment}: the scan cannot vouch for them`,
      ),
    );
  } else if (result.findings.length === 0) {
    lines.push(io.style('green', `no demo data found in ${result.environment}`));
  } else if (!result.productionLike) {
    lines.push(
      `${result.findings.length} finding(s): demo data is allowed in ${result.environment}, so they are informational`,
    );
  } else {
    const verdict =
      fails > 0 ? io.style('red', `${fails} finding(s) fail`) : io.style('yellow', 'no finding fails');
    lines.push(`${verdict}${warns > 0 ? `, ${warns} warn` : ''} in ${result.environment} (production-like)`);
    lines.push(
      io.style(
        'dim',
        'fix: delete what was never meant to ship; allow what was under scan.allow in the config (a value, a pattern, a column)',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What was read: `20 tables, 200,000 of ~5,000,000 rows examined (18 sampled), 2.1 s, 95,238 rows/s`. */
function sampledLine(result: ScanResult): string {
  const estimated = result.tables.reduce((sum, table) => sum + table.estimatedRows, 0);
  const sampled = result.tables.filter((table) => table.sampled).length;
  const how = result.full
    ? 'every row read'
    : sampled > 0
      ? `${sampled} sampled, at most ${count(result.rowsPerTable)} rows each`
      : 'every row read';
  return (
    `scanned ${result.tables.length} table(s): ${count(result.examinedRows)} of ~${count(Math.max(estimated, result.examinedRows))} rows examined ` +
    `(${how}), ${(result.durationMs / 1000).toFixed(1)} s, ${count(result.rowsPerSecond)} rows/s`
  );
}
