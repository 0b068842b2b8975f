// The live schema as the last drift run read it in full, kept locally under its catalog fingerprint
// (`.launchdb/cache/live/<env>.jsonl`) with the comparison made with it: the next run that finds the
// same fingerprint, and would make the same comparison, has its answer without reading the schema.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../../version.js';
import type { DriftItem } from './diff.js';
import { joinHeaded, parseJson, sha256, splitHeaded } from './headed-json.js';
import { type CatalogSnapshot, canonicalJson, completeSnapshot, SNAPSHOT_FORMAT } from './snapshot.js';

/** What a live snapshot depends on besides the catalogs: how it was read. */
export interface LiveSchemaKeyParts {
  /** `catalogFingerprint` of the database, taken before the snapshot was. */
  fingerprint: string;
  /** How the snapshot names roles. */
  roles: Readonly<Record<string, string>>;
}

/** SHA-256 of the fingerprint and everything else that shapes the snapshot read with it. */
export function liveSchemaKey(parts: LiveSchemaKeyParts): string {
  return sha256(canonicalJson({ ...parts, snapshotFormat: SNAPSHOT_FORMAT, launchdb: VERSION }));
}

/** The comparison a verdict answers: equal keys, equal differences. */
export function verdictKey(parts: Record<string, unknown>): string {
  return sha256(canonicalJson({ ...parts, launchdb: VERSION }));
}

export interface LiveSchemaVerdict {
  key: string;
  items: DriftItem[];
}

/** A kept live schema: its comparison at hand, its snapshot read (and verified) only when asked. */
export interface KeptLiveSchema {
  verdict: LiveSchemaVerdict | undefined;
  /** The snapshot, or undefined when the file's does not hash to its checksum (then removed). */
  snapshot(): CatalogSnapshot | undefined;
  /** The snapshot's text as kept, written back as it is with another verdict. */
  body: string;
}

export function liveSchemaFile(stateDir: string, environment: string): string {
  return join(stateDir, 'cache', 'live', `${environment}.jsonl`);
}

/** The kept live schema in `path` when it was read under `key`; undefined for none, another key's, or damage. */
export function readLiveSchemaFile(path: string, key: string): KeptLiveSchema | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const headed = splitHeaded<Header>(text, key);
  if (!headed) return undefined;
  const { header, body } = headed;
  const verdict = header.verdict;
  return {
    verdict: verdict && typeof verdict.key === 'string' && Array.isArray(verdict.items) ? verdict : undefined,
    body,
    snapshot: () => {
      const snapshot = sha256(body) === header.checksum ? parseJson(body) : undefined;
      if (snapshot === undefined || snapshot === null || typeof snapshot !== 'object') {
        rmSync(path, { force: true });
        return undefined;
      }
      return completeSnapshot(snapshot as CatalogSnapshot);
    },
  };
}

interface Header {
  key: string;
  checksum: string;
  verdict: LiveSchemaVerdict;
}

/**
 * Keeps `snapshot` (or its text as kept) under `key` with its verdict, replacing the environment's
 * previous one; written under a private name and renamed into place. Says whether it did; never throws.
 */
export function writeLiveSchemaFile(
  path: string,
  key: string,
  snapshot: CatalogSnapshot | string,
  verdict: LiveSchemaVerdict,
): boolean {
  const body = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
  const draft = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(draft, joinHeaded({ key, checksum: sha256(body), verdict } as Header, body));
    renameSync(draft, path);
    return true;
  } catch {
    rmSync(draft, { force: true });
    return false;
  }
}
