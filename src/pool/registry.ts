// One pool per database per process: the open pools by database, and how many duplicates were made.
import { parseConnectionUrl } from '../stores/postgres/connection-url.js';
import { type PoolWarning, poolWarning, WARNING_CODES } from './warnings.js';

interface Registry {
  /** Open pools by database key. */
  open: Map<string, number>;
  duplicates: number;
}

// On globalThis rather than in this module: dev servers that re-evaluate modules on each change (the
// usual source of duplicate pools) and a second copy of launchdb in node_modules must share it.
const REGISTRY = Symbol.for('launchdb.pool.registry');
const holder = globalThis as { [REGISTRY]?: Registry };
holder[REGISTRY] ??= { open: new Map(), duplicates: 0 };
const registry = holder[REGISTRY];

/** The database a URL names: user, host, port and database; the password and parameters do not count. */
export function databaseKey(url: URL): string {
  const { user, host, port, database } = parseConnectionUrl(url.toString());
  return `${user}@${host}:${port}/${database}`;
}

/** Counts a new pool for the database; returns how many were already open for it. */
export function registerPool(key: string): number {
  const open = registry.open.get(key) ?? 0;
  registry.open.set(key, open + 1);
  if (open > 0) registry.duplicates++;
  return open;
}

export function unregisterPool(key: string): void {
  const open = registry.open.get(key) ?? 0;
  if (open <= 1) registry.open.delete(key);
  else registry.open.set(key, open - 1);
}

/** The warning for a pool opened while `open` others for the same database were. */
export function duplicateWarning(open: number, database: string, applicationName: string): PoolWarning {
  const others = open === 1 ? 'another pool is' : `${open} other pools are`;
  return poolWarning(
    WARNING_CODES.duplicate,
    `launchdb pool ${applicationName}: ${others} already open for ${database} in this process; ` +
      'create the pool once at module scope (in dev servers that reload modules, cache it on globalThis) ' +
      'rather than per request or per job',
  );
}

/** Pools created in this process while another for the same database was open. */
export function duplicatePoolCount(): number {
  return registry.duplicates;
}
