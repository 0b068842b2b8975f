// `launchdb backup export`: chosen tables to plain files (CSV or JSON Lines) with a checksum file.
import { isAbsolute, join, relative } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { type ExportFormat, exportTables, isTableName } from '../../stores/postgres/backup/export-tables.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { stringFlag } from '../args.js';
import { formatBytes } from '../backup-context.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const tables = (stringFlag(input, 'tables') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (tables.length === 0) {
    throw new UsageError('name the tables to export', {
      fix: 'launchdb backup export --env ENV --tables users,orders',
    });
  }
  const unreadable = tables.find((name) => !isTableName(name));
  if (unreadable !== undefined) {
    throw new UsageError(`--tables: "${unreadable}" is not a table name`, {
      fix: 'name tables as table or schema.table, comma-separated; double-quote a name with other characters: \'"Order Items"\'',
    });
  }
  const format = (stringFlag(input, 'format') ?? 'csv') as ExportFormat;
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(`--format ${format} is not one launchdb writes`, {
      fix: 'use --format csv or --format jsonl',
    });
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = stringFlag(input, 'out') ?? join(project.stateDir, 'exports', `${env.name}-${stamp}`);
  const dir = isAbsolute(out) ? out : join(io.cwd, out);
  const { db } = await openMigrationDatabase(env, {
    command: 'backup export',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  let result: Awaited<ReturnType<typeof exportTables>>;
  try {
    result = await exportTables(db, tables, { dir, format });
  } finally {
    await db.close();
  }
  if (input.flags.json) {
    io.out(`${JSON.stringify({ environment: env.name, ...result }, null, 2)}\n`);
    return 0;
  }
  const shown = relative(io.cwd, dir) || '.';
  io.out(
    `${io.style('green', 'exported')} ${result.tables.length} tables of ${env.name} to ${shown} (as of ${result.snapshotAt})\n`,
  );
  io.out(
    `${renderTable(
      result.tables.map((table) => [table.file, String(table.rows), formatBytes(table.bytes)]),
      { header: ['file', 'rows', 'size'], align: ['left', 'right', 'right'], indent: '  ' },
    )}\n`,
  );
  io.out(io.style('dim', `  check them with: (cd ${shown} && sha256sum -c ${result.checksums})\n`));
  return 0;
}
