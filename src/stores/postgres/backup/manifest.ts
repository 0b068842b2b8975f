// The manifest beside a backup's data: what it holds, how to check it, and a seal over itself.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { BackupEncryption } from '../../../backup/backup-key.js';
import type { StoredFile } from '../../../backup/local-target.js';
import type { ObjectsInBackup } from '../../objects/backup-objects.js';
import type { SignedHead } from '../audit/audit-event.js';
import { canonicalJson } from '../schema/snapshot.js';

export const MANIFEST_FORMAT = 'launchdb-backup/1';
export const MANIFEST_FILE = 'manifest.json';

/** One stored file: where it is in the backup, and its bytes as stored (compressed, maybe encrypted). */

/** One stored file of a table's rows: a whole table, or one range of a large one. */
export type { BackupEncryption, StoredFile };

export interface DataPart {
  file: StoredFile;
  rows: number;
  /** SHA-256 of this part's COPY text, before compression. */
  sha256: string;
  rawBytes: number;
}

export interface TableData {
  /** `schema.table` as the snapshot keys it. */
  name: string;
  /** Quoted, for SQL: `app."Orders"`. */
  qualified: string;
  /** Quoted column names in COPY order (generated columns are left out: the server computes them). */
  columns: string[];
  rows: number;
  /**
   * The table's content checksum: its one part's SHA-256, or for a table copied in ranges the
   * SHA-256 of its parts' checksums joined in order.
   */
  sha256: string;
  /** Bytes of its COPY text. */
  rawBytes: number;
  /** Its rows in the table's own order: one part, or consecutive ranges of a large table. */
  parts: DataPart[];
}

/** The content checksum of a table from its parts' (see TableData.sha256). */
export function tableChecksum(parts: readonly { sha256: string }[]): string {
  if (parts.length === 1) return parts[0]!.sha256;
  return createHash('sha256')
    .update(parts.map((part) => part.sha256).join(''))
    .digest('hex');
}

export interface SequenceValue {
  /** Quoted, for SQL. */
  qualified: string;
  lastValue: string;
  isCalled: boolean;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  project: string;
  environment: string;
  launchdb: string;
  server: { version: string; versionNum: number; backing: 'embedded' | 'server' };
  /** When the snapshot every table was read from was taken. */
  snapshotAt: string;
  finishedAt: string;
  durationMs: number;
  compression: { algorithm: 'gzip'; level: number };
  encryption: null | BackupEncryption;
  /** The catalog snapshot (the one drift compares), stored as a file; `checksum` is its snapshotChecksum. */
  schema: { checksum: string; file: StoredFile };
  tables: TableData[];
  sequences: SequenceValue[];
  totals: { tables: number; rows: number; rawBytes: number; bytes: number };
  /**
   * The environment's audit trail head in the snapshot, signed (docs/ACCESS.md): the backup witnesses
   * it, so a trail rewritten later no longer extends it. Absent when the trail had no events.
   */
  audit?: SignedHead;
  /**
   * The environment's objects, when its config backs them up (`objects.backup: true`): a file listing
   * each object's key, size and SHA-256. Absent in backups without objects (and older ones).
   */
  objects?: ObjectsInBackup;
}

/** How the manifest proves it is unchanged: an HMAC with the backup key, or without a key a plain hash. */
export interface ManifestSeal {
  method: 'hmac-sha256' | 'sha256';
  value: string;
}

export type SealedManifest = BackupManifest & { seal: ManifestSeal };

/** The manifest with its seal; encrypted backups get an HMAC only the key holder can make. */
export function sealManifest(manifest: BackupManifest, macKey: Buffer | undefined): SealedManifest {
  return { ...manifest, seal: sealOf(manifest, macKey) };
}

function sealOf(manifest: BackupManifest, macKey: Buffer | undefined): ManifestSeal {
  const body = canonicalJson(manifest);
  return macKey
    ? { method: 'hmac-sha256', value: createHmac('sha256', macKey).update(body).digest('hex') }
    : { method: 'sha256', value: createHash('sha256').update(body).digest('hex') };
}

/** True when the manifest's seal matches its content (with the key, for an encrypted backup). */
export function manifestIntact(sealed: SealedManifest, macKey: Buffer | undefined): boolean {
  const { seal, ...manifest } = sealed;
  if (seal.method === 'hmac-sha256' && !macKey) return false;
  // Only the key holder can seal an encrypted backup's manifest: a keyless seal on one is forged.
  if (manifest.encryption !== null && seal.method !== 'hmac-sha256') return false;
  const expected = sealOf(manifest, seal.method === 'hmac-sha256' ? macKey : undefined);
  const a = Buffer.from(expected.value);
  const b = Buffer.from(String(seal.value));
  return expected.method === seal.method && a.length === b.length && timingSafeEqual(a, b);
}

/** The manifest of backup `id` as stored: read, not proven (`openBackup` checks its seal). */
export async function readManifest(
  target: { readText(id: string, path: string): Promise<string> },
  id: string,
): Promise<SealedManifest> {
  return JSON.parse(await target.readText(id, MANIFEST_FILE)) as SealedManifest;
}
