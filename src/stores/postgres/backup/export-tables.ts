// The "export critical data" path: chosen tables, from one snapshot, to plain CSV or JSON Lines files,
// with a SHA256SUMS file that `sha256sum -c` checks.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { measure } from '../../../backup/data-codec.js';
import { UsageError } from '../../../core/errors.js';
import { suggest } from '../../../core/suggest.js';
import type { Connection, PostgresDatabase } from '../database.js';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportedTable {
  table: string;
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ExportResult {
  dir: string;
  format: ExportFormat;
  snapshotAt: string;
  tables: ExportedTable[];
  checksums: string;
}

export const CHECKSUM_FILE = 'SHA256SUMS';

/** An identifier as SQL writes it: plain (folded to lower case by the server) or double-quoted. */
const IDENTIFIER = String.raw`(?:[A-Za-z_\u{80}-\u{10FFFF}][A-Za-z0-9_$\u{80}-\u{10FFFF}]*|"(?:[^"]|"")+")`;
const TABLE_NAME = new RegExp(`^${IDENTIFIER}(?:\\.${IDENTIFIER})?$`, 'u');

/**
 * True for `table` or `schema.table`, either part double-quoted for other characters ("Order Items"):
 * what the server can resolve. Checked before connecting, so `../../etc/passwd` is named as bad input.
 */
export function isTableName(text: string): boolean {
  return TABLE_NAME.test(text);
}

/** `schema.table.csv`, with `/`, `\`, `%` and control characters percent-encoded: a table's name never leaves the folder. */
function fileNameOf(table: string, format: ExportFormat): string {
  const safe = table.replace(
    /[%/\\\u0000-\u001f]/g,
    (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
  return `${safe}.${format}`;
}

export async function exportTables(
  db: PostgresDatabase,
  names: string[],
  options: { dir: string; format: ExportFormat },
): Promise<ExportResult> {
  return db.withConnection(async (connection) => {
    await connection.query('begin isolation level repeatable read, read only');
    try {
      const tables = await resolveTables(connection, names);
      const { rows } = await connection.query<{ at: Date | string }>('select transaction_timestamp() as at');
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const exported: ExportedTable[] = [];
      for (const table of tables) {
        const file = fileNameOf(table.name, options.format);
        exported.push({
          table: table.name,
          file,
          ...(await writeTable(connection, table.qualified, join(options.dir, file), options.format)),
        });
      }
      const checksums = exported.map((entry) => `${entry.sha256}  ${entry.file}\n`).join('');
      await writeFile(join(options.dir, CHECKSUM_FILE), checksums, { mode: 0o600 });
      return {
        dir: options.dir,
        format: options.format,
        snapshotAt: new Date(rows[0]?.at ?? Date.now()).toISOString(),
        tables: exported,
        checksums: CHECKSUM_FILE,
      };
    } finally {
      await connection.query('commit').catch(() => {});
    }
  });
}

interface Resolved {
  /** `schema.table`, as files are named. */
  name: string;
  qualified: string;
}

/** Each name as the server resolves it (`users` finds `public.users`); an unknown one is bad input. */
async function resolveTables(db: Connection, names: string[]): Promise<Resolved[]> {
  const resolved: Resolved[] = [];
  for (const name of names) {
    const { rows } = await db.query<{ name: string | null; qualified: string | null }>(
      `select n.nspname || '.' || c.relname as name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.oid = to_regclass($1) and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
      [name],
    );
    const found = rows[0];
    if (!found?.name || !found.qualified) {
      const { rows: all } = await db.query<{ name: string }>(
        `select table_schema || '.' || table_name as name from information_schema.tables
         where table_schema not in ('pg_catalog', 'information_schema')`,
      );
      const guess = suggest(
        name,
        all.map((row) => row.name).concat(all.map((row) => row.name.split('.')[1] ?? '')),
      );
      throw new UsageError(`no table "${name}" in the database`, {
        fix: guess ? `did you mean ${guess}?` : 'name tables as schema.table, separated by commas',
      });
    }
    resolved.push({ name: found.name, qualified: found.qualified });
  }
  return resolved;
}

/**
 * CSV with a header row, or one JSON object per line. JSON goes through CSV mode with a quote and a
 * delimiter that JSON text never holds raw, so COPY passes each line through unescaped.
 */
async function writeTable(db: Connection, qualified: string, file: string, format: ExportFormat) {
  const statement =
    format === 'csv'
      ? `COPY (select * from ${qualified}) TO STDOUT WITH (FORMAT csv, HEADER)`
      : `COPY (select row_to_json(t)::text from ${qualified} t) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`;
  // A CSV value holding a newline spans lines, so lines are not rows: the server counts those below.
  const written = measure(db.copyOut(statement), { lines: false });
  await pipeline(Readable.from(written.chunks), createWriteStream(file, { mode: 0o600 }));
  const { bytes, sha256 } = written.result();
  const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from ${qualified}`);
  return { rows: Number(rows[0]?.n ?? 0), bytes, sha256 };
}
