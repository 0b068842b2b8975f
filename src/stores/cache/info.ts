// Redis's INFO reply as data: `field:value` lines into a record, and the keyspace lines
// (`db0:keys=10,expires=2,avg_ttl=0`) into counts per database.

export type RedisInfo = Record<string, string>;

export function parseInfo(text: string): RedisInfo {
  const info: RedisInfo = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}

export interface KeyspaceCounts {
  keys: number;
  /** Keys with a TTL. */
  expires: number;
}

/** The counts of database `db` in INFO keyspace; a database with no keys is absent there, so zero. */
export function keyspaceOf(info: RedisInfo, db: number): KeyspaceCounts {
  const line = info[`db${db}`];
  if (!line) return { keys: 0, expires: 0 };
  const fields = Object.fromEntries(line.split(',').map((pair) => pair.split('=') as [string, string]));
  return { keys: Number(fields.keys ?? 0), expires: Number(fields.expires ?? 0) };
}
