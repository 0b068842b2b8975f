// Parsing and describing Postgres connection URLs without ever showing the password.
import { isIP } from 'node:net';
import { UsageError } from '../../core/errors.js';

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

/** `mysql` in `mysql://…`: the scheme of a text that is written as a URL; undefined for any other text. */
export function urlScheme(text: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
}

/**
 * Refuses, as bad input naming `source` (a flag, a variable, a config path), a URL that is not a
 * postgres:// URL that parses. Never echoes the URL: it may hold a password.
 */
export function checkPostgresUrl(url: string, source: string): void {
  checkUrl(url, source, {
    example: 'postgres://user:password@host:5432/database',
    schemes: ['postgres', 'postgresql'],
    what: 'launchdb attaches Postgres',
  });
}

/**
 * Refuses, as bad input naming `source`, a text that is not a URL that parses, or (given `expected`)
 * one of another scheme. Never echoes the URL: it may hold a password.
 */
export function checkUrl(
  url: string,
  source: string,
  expected?: { schemes: string[]; example: string; what: string },
): void {
  const scheme = urlScheme(url);
  if (scheme === undefined) {
    throw new UsageError(`${source} is not a URL`, {
      fix: `give a ${expected?.example ?? 'scheme://host:port'} URL`,
    });
  }
  if (expected && !expected.schemes.includes(scheme)) {
    throw new UsageError(
      `${source} is a ${scheme}:// URL; ${expected.what}: give a ${expected.schemes[0]}:// URL`,
    );
  }
  try {
    new URL(url);
  } catch {
    throw new UsageError(`${source} is not a valid URL`, {
      fix: 'percent-encode @ : / ? # in the user name and password (@ is %40, : is %3A, / is %2F)',
    });
  }
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
