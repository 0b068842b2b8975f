// Verifies a backup without restoring it: every file's stored bytes, then its content once decrypted
// and decompressed, against the (sealed) manifest. Its stored bytes alone need no key.
import { decode, measure } from '../../../backup/data-codec.js';
import type { BackupTarget } from '../../../backup/local-target.js';
import type { BackupManifest, StoredFile } from './manifest.js';
import type { OpenedBackup } from './open-backup.js';

export interface VerifyResult {
  id: string;
  ok: boolean;
  files: number;
  rows: number;
  /** The first thing that does not match, in plain words; undefined when everything does. */
  problem?: string;
  /** Every table's verdict, in the manifest's order (empty when the schema file is already damaged). */
  tables: TableVerdict[];
}

export interface TableVerdict {
  table: string;
  rows: number;
  ok: boolean;
  problem?: string;
}

/** Checks the schema file, then every table (past a damaged one, so all of them are named). */
export async function verifyBackup(
  backup: OpenedBackup,
  options: { onTable?: (verdict: TableVerdict) => void } = {},
): Promise<VerifyResult> {
  const { manifest } = backup;
  const schema = await checkFile(backup, manifest.schema.file);
  if (schema) {
    const problem = `the schema file ${manifest.schema.file.path} ${schema}`;
    return { id: backup.id, ok: false, files: 0, rows: 0, problem, tables: [] };
  }
  let rows = 0;
  let files = 1;
  const tables: TableVerdict[] = [];
  for (const table of manifest.tables) {
    let problem: string | undefined;
    for (const part of table.parts) {
      problem = await checkFile(backup, part.file, (measured) => {
        if (measured.sha256 !== part.sha256) return 'has content that does not match its checksum';
        if (measured.rows !== part.rows) return `holds ${measured.rows} rows, the manifest says ${part.rows}`;
        return undefined;
      });
      if (problem) {
        problem = `table ${table.name} (${part.file.path}) ${problem}`;
        break;
      }
      rows += part.rows;
      files++;
    }
    const verdict = { table: table.name, rows: table.rows, ok: !problem, ...(problem ? { problem } : {}) };
    tables.push(verdict);
    options.onTable?.(verdict);
  }
  let problem = tables.find((verdict) => !verdict.ok)?.problem;
  const objects = manifest.objects;
  if (objects) {
    const damaged = await checkFile(backup, objects.file, (measured) =>
      measured.sha256 === objects.sha256 ? undefined : 'has content that does not match its checksum',
    );
    if (damaged) problem ??= `the objects list ${objects.file.path} ${damaged}`;
    else files++;
  }
  return { id: backup.id, ok: !problem, files, rows, ...(problem ? { problem } : {}), tables };
}

/** Why `file` does not match, or undefined when it does. */
async function checkFile(
  backup: OpenedBackup,
  file: StoredFile,
  judge?: (measured: { sha256: string; rows: number }) => string | undefined,
): Promise<string | undefined> {
  const stored = measure(backup.target.read(backup.id, file.path), { lines: false });
  const plain = measure(
    decode(stored.chunks, { ...(backup.keys ? { key: backup.keys.data } : {}) }, file.path),
  );
  const changed = () => {
    const measured = stored.result();
    return measured.bytes !== file.bytes || measured.sha256 !== file.sha256;
  };
  try {
    for await (const _ of plain.chunks) {
      // Consumed only to measure.
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'is missing';
    if (changed()) return 'was changed or damaged';
    return `does not decode (${(error as Error).message})`;
  }
  if (changed()) return 'was changed or damaged';
  return judge?.(plain.result());
}

/** What reading a backup's stored files found, and how much was read to find it. */
export interface StoredFilesCheck {
  /** Files read to the end, of `total` in the backup. */
  files: number;
  total: number;
  bytes: number;
  ms: number;
  /** Each file that does not match the manifest, named, in the manifest's order. */
  problems: string[];
  /** True when the deadline came before every file was read. */
  unfinished: boolean;
}

/**
 * Every stored file's size and SHA-256 against the manifest: no key, no decompression, at the speed
 * the target reads. Stops at `deadline` (a `performance.now()` time), saying so.
 */
export async function checkStoredFiles(
  target: BackupTarget,
  id: string,
  manifest: Pick<BackupManifest, 'schema' | 'tables' | 'objects'>,
  options: { deadline?: number } = {},
): Promise<StoredFilesCheck> {
  const started = performance.now();
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const files = [
    { file: manifest.schema.file, what: 'the schema' },
    ...manifest.tables.flatMap((table) =>
      table.parts.map((part) => ({ file: part.file, what: `table ${table.name}` })),
    ),
    ...(manifest.objects ? [{ file: manifest.objects.file, what: 'the objects list' }] : []),
  ];
  const check: StoredFilesCheck = {
    files: 0,
    total: files.length,
    bytes: 0,
    ms: 0,
    problems: [],
    unfinished: false,
  };
  for (const { file, what } of files) {
    const stored = measure(target.read(id, file.path), { lines: false });
    try {
      for await (const _ of stored.chunks) {
        if (performance.now() > deadline) {
          check.unfinished = true;
          break;
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      check.problems.push(`${file.path} (${what}) is missing`);
      continue;
    }
    const measured = stored.result();
    check.bytes += measured.bytes;
    if (check.unfinished) break;
    check.files++;
    const problem = storedMismatch(measured, file);
    if (problem) check.problems.push(`${file.path} (${what}) ${problem}`);
  }
  check.ms = Math.round(performance.now() - started);
  return check;
}

/** How a whole stored file differs from what the manifest records of it, or undefined. */
function storedMismatch(measured: { bytes: number; sha256: string }, file: StoredFile): string | undefined {
  if (measured.bytes < file.bytes)
    return `was cut short: ${measured.bytes} of its ${file.bytes} bytes are there`;
  if (measured.bytes > file.bytes) return `is ${measured.bytes} bytes, the manifest says ${file.bytes}`;
  if (measured.sha256 !== file.sha256)
    return 'was changed or damaged: its SHA-256 is not the one in the manifest';
  return undefined;
}

/** Beside a backup (not part of it): when it was last verified, and what was found. */
export const VERIFIED_NOTE = 'verified.json';

export interface Verification {
  at: string;
  ok: boolean;
  problem: string | null;
}

export async function recordVerification(
  target: BackupTarget,
  result: Pick<VerifyResult, 'id' | 'ok' | 'problem'>,
  at = new Date(),
): Promise<void> {
  const note: Verification = { at: at.toISOString(), ok: result.ok, problem: result.problem ?? null };
  await target.writeNote(result.id, VERIFIED_NOTE, `${JSON.stringify(note)}\n`);
}

export async function readVerification(target: BackupTarget, id: string): Promise<Verification | undefined> {
  const text = await target.readNote(id, VERIFIED_NOTE);
  return text ? (JSON.parse(text) as Verification) : undefined;
}
