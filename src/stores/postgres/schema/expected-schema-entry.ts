// One cached expected schema: the shadow's snapshot of the replayed migrations, with its key and its
// own checksum. Wherever it was kept (the database, a local file), it is trusted only once verified.
import { VERSION } from '../../../version.js';
import { type CatalogSnapshot, snapshotChecksum } from './snapshot.js';

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

export function expectedSchemaEntry(
  key: string,
  snapshot: CatalogSnapshot,
  shadow: ExpectedSchemaEntry['shadow'],
): ExpectedSchemaEntry {
  return {
    key,
    checksum: snapshotChecksum(snapshot),
    shadow,
    launchdbVersion: VERSION,
    createdAt: new Date().toISOString(),
    snapshot,
  };
}

/**
 * The entry `value` holds when it is one for `key` whose snapshot still hashes to its checksum;
 * undefined for anything else (damaged, cut short, edited, or another key's), which is then rebuilt.
 */
export function verifiedEntry(value: unknown, key: string): ExpectedSchemaEntry | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const entry = value as Partial<ExpectedSchemaEntry>;
  if (entry.key !== key || typeof entry.checksum !== 'string') return undefined;
  const shadow = entry.shadow;
  if (!shadow || (shadow.backing !== 'server' && shadow.backing !== 'embedded')) return undefined;
  if (typeof shadow.version !== 'number' || !isSnapshot(entry.snapshot)) return undefined;
  try {
    if (snapshotChecksum(entry.snapshot) !== entry.checksum) return undefined;
  } catch {
    return undefined;
  }
  return entry as ExpectedSchemaEntry;
}

/** Parsed from JSON text; undefined when it is not JSON. */
export function parseEntry(text: string, key: string): ExpectedSchemaEntry | undefined {
  try {
    return verifiedEntry(JSON.parse(text), key);
  } catch {
    return undefined;
  }
}

function isSnapshot(value: unknown): value is CatalogSnapshot {
  if (value === null || typeof value !== 'object') return false;
  const families = value as Record<string, unknown>;
  return ['schemas', 'tables', 'columns', 'grants'].every(
    (family) => families[family] !== null && typeof families[family] === 'object',
  );
}
