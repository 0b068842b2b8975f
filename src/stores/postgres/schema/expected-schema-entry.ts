// One cached expected schema: the shadow's snapshot of the replayed migrations, with its key and its
// own checksum. Wherever it was kept (the database, a local file), it is trusted only once verified.
import { VERSION } from '../../../version.js';
import { joinHeaded, parseJson, sha256, splitHeaded } from './headed-json.js';
import { type CatalogSnapshot, checksummedJson, completeSnapshot } from './snapshot.js';

export interface ExpectedSchemaEntry {
  /** `expectedSchemaKey` of what made it. */
  key: string;
  /** `snapshotChecksum` of `snapshot`. */
  checksum: string;
  /** The shadow it was read from: drift compares views by their columns across majors. */
  shadow: { backing: 'server' | 'embedded'; version: number };
  launchdbVersion: string;
  createdAt: string;
  snapshot: CatalogSnapshot;
}

/**
 * Each entry's text, made once: the canonical JSON of 2,000 tables takes a tenth of a second, and an
 * entry is written twice (the local copy, the database's).
 */
const encoded = new WeakMap<ExpectedSchemaEntry, string>();

export function expectedSchemaEntry(
  key: string,
  snapshot: CatalogSnapshot,
  shadow: ExpectedSchemaEntry['shadow'],
): ExpectedSchemaEntry {
  const json = checksummedJson(snapshot);
  const header = {
    key,
    checksum: sha256(json),
    shadow,
    launchdbVersion: VERSION,
    createdAt: new Date().toISOString(),
  };
  const entry = { ...header, snapshot };
  encoded.set(entry, joinHeaded(header, json));
  return entry;
}

/**
 * The entry as stored: a line of JSON with everything but the snapshot, then the snapshot as the
 * canonical JSON its checksum is of. So checking it costs one hash of the text as read, not a
 * canonical re-serialisation.
 */
export function encodeEntry(entry: ExpectedSchemaEntry): string {
  let text = encoded.get(entry);
  if (text === undefined) {
    const { snapshot, ...header } = entry;
    text = joinHeaded(header, checksummedJson(snapshot));
    encoded.set(entry, text);
  }
  return text;
}

/**
 * The entry `text` holds when it is one for `key` whose snapshot hashes to its checksum; undefined
 * for anything else (damaged, cut short, edited, or another key's), which is then rebuilt.
 */
export function decodeEntry(text: string, key: string): ExpectedSchemaEntry | undefined {
  const headed = splitHeaded<ExpectedSchemaEntry>(text, key);
  if (!headed) return undefined;
  const { header, body } = headed;
  const shadow = header.shadow;
  if (!shadow || (shadow.backing !== 'server' && shadow.backing !== 'embedded')) return undefined;
  if (typeof shadow.version !== 'number') return undefined;
  if (sha256(body) !== header.checksum) return undefined;
  const snapshot = parseJson(body);
  if (!isSnapshot(snapshot)) return undefined;
  const entry = { ...(header as ExpectedSchemaEntry), snapshot: completeSnapshot(snapshot) };
  encoded.set(entry, text);
  return entry;
}

function isSnapshot(value: unknown): value is CatalogSnapshot {
  if (value === null || typeof value !== 'object') return false;
  const families = value as Record<string, unknown>;
  return ['schemas', 'tables', 'columns', 'grants'].every(
    (family) => families[family] !== null && typeof families[family] === 'object',
  );
}
