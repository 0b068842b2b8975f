// Parsing and describing Postgres connection URLs without ever showing the password.
import { isIP } from 'node:net';

export interface ConnectionInfo {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: string | undefined;
}

export function parseConnectionUrl(url: string): ConnectionInfo {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname || parsed.searchParams.get('host') || 'localhost');
  return {
    host: host.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || parsed.searchParams.get('port') || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username),
    user: decodeURIComponent(parsed.username),
    sslmode: parsed.searchParams.get('sslmode') ?? undefined,
  };
}

/** `host:port/database`, the way launchdb names a server database in output. */
export function describeUrl(url: string): string {
  try {
    const info = parseConnectionUrl(url);
    return `${info.host}:${info.port}/${info.database}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The same URL with another user, password or database. */
export function withCredentials(
  url: string,
  change: { user?: string; password?: string; database?: string },
): string {
  const parsed = new URL(url);
  if (change.user !== undefined) parsed.username = encodeURIComponent(change.user);
  if (change.password !== undefined) parsed.password = encodeURIComponent(change.password);
  if (change.database !== undefined) parsed.pathname = `/${encodeURIComponent(change.database)}`;
  return parsed.toString();
}

/** A socket path, `localhost`, or an address in 127.0.0.0/8 or ::1. */
export function isLoopback(host: string): boolean {
  if (host.startsWith('/') || host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
