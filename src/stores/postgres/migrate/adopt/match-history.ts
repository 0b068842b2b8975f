// Matches a tool's history entries to the project's migrations: by the version the tool's naming
// gives each, else by the content hash the tool recorded.
import { createHash } from 'node:crypto';
import { ContentChecksum } from '../../../../core/project-file.js';
import type { MigrationFile } from '../migration-files.js';
import type { HistoryEntry } from './history-source.js';

export interface HistoryMatch {
  /** The migrations the tool applied, in version order, each once. */
  applied: MigrationFile[];
  /** Entries the tool counts as applied that name no migration of the project. */
  unmatched: { label: string }[];
  /** Entries the tool itself does not count as applied, and why (never applied later by another row). */
  ignored: { label: string; reason: string }[];
  /** Applied migrations whose file is not what the tool applied (its recorded hash differs). */
  changed: MigrationFile[];
}

export function matchHistory(
  entries: readonly HistoryEntry[],
  files: readonly MigrationFile[],
): HistoryMatch {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  let byHash: Map<string, MigrationFile> | undefined;
  const applied = new Map<string, MigrationFile>();
  const changed = new Map<string, MigrationFile>();
  const unmatched: HistoryMatch['unmatched'] = [];
  const ignored: (HistoryMatch['ignored'][number] & { version?: string })[] = [];
  for (const entry of entries) {
    if (entry.ignored) {
      ignored.push({
        label: entry.label,
        reason: entry.ignored,
        ...(entry.version ? { version: entry.version } : {}),
      });
      continue;
    }
    if (entry.upTo !== undefined) {
      for (const file of files) if (file.version <= entry.upTo) applied.set(file.version, file);
      continue;
    }
    let file = entry.version === undefined ? undefined : byVersion.get(entry.version);
    if (file && entry.sha256 && !contentHashes(file).includes(entry.sha256)) changed.set(file.version, file);
    if (!file && entry.sha256) {
      byHash ??= new Map(files.flatMap((each) => contentHashes(each).map((hash) => [hash, each] as const)));
      file = byHash.get(entry.sha256);
    }
    if (file) applied.set(file.version, file);
    else unmatched.push({ label: entry.label });
  }
  const order = (a: MigrationFile, b: MigrationFile) => (a.version < b.version ? -1 : 1);
  return {
    applied: [...applied.values()].sort(order),
    unmatched,
    // A failed attempt that a later row applied after all is history, not news.
    ignored: ignored
      .filter((entry) => entry.version === undefined || !applied.has(entry.version))
      .map(({ label, reason }) => ({ label, reason })),
    changed: [...changed.values()].sort(order),
  };
}

/** SHA-256 of the whole file as it is and with `\r\n` as `\n`: tools hash the bytes; Prisma accepts either. */
function contentHashes(file: MigrationFile): string[] {
  const raw = createHash('sha256');
  const normalised = new ContentChecksum();
  let crlf = false;
  for (const piece of file.source.pieces({ checksum: normalised })) {
    raw.update(piece);
    crlf ||= piece.includes('\r');
  }
  const hashes = [raw.digest('hex')];
  if (crlf) hashes.push(normalised.digest());
  return hashes;
}
