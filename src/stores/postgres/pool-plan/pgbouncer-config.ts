// The text of pgbouncer.ini and userlist.txt for one environment: transaction pooling, sized by the plan.
import { UsageError } from '../../../core/errors.js';
import type { PgBouncerSizing } from './capacity-plan.js';

export const DEFAULT_PGBOUNCER_PORT = 6432;

/** A query waiting this long (s) for a server connection fails instead of hanging; PgBouncer's default is 120. */
export const QUERY_WAIT_TIMEOUT_S = 15;

export interface PgBouncerServer {
  host: string;
  port: number;
  database: string;
  /** The URL's `sslmode`, kept for PgBouncer's own connections to the server. */
  sslmode?: string;
  /** The URL's `sslrootcert`: the CA that signs the server's certificate. */
  sslrootcert?: string;
}

export interface PgBouncerConfigInput {
  project: string;
  environment: string;
  /** The name the app connects to; the server's database name, so URLs only change host and port. */
  database: string;
  server: PgBouncerServer;
  listenPort: number;
  /** Absolute path of userlist.txt: PgBouncer resolves a relative one against its working folder. */
  authFile: string;
  sizing: PgBouncerSizing;
}

export interface UserlistEntry {
  user: string;
  /** A SCRAM-SHA-256 verifier, or a password in plain text. */
  secret: string;
}

/** PgBouncer's connection-string values take no quoting that every version parses alike. */
const PLAIN_VALUE = /^[A-Za-z0-9_.:/-]+$/;
const TLS_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

export function renderPgBouncerIni(input: PgBouncerConfigInput): string {
  const { server, sizing } = input;
  for (const [what, value] of [
    ['database name', input.database],
    ['server host', server.host],
    ['server database', server.database],
  ] as const) {
    if (!PLAIN_VALUE.test(value)) {
      throw new UsageError(
        `the ${what} ${JSON.stringify(value)} cannot be written into pgbouncer.ini as is`,
        {
          fix: 'use letters, digits, _ . : / - only, or write the [databases] entry by hand',
        },
      );
    }
  }
  const tls: string[] = [];
  if (server.sslmode && TLS_MODES.has(server.sslmode)) {
    tls.push(';; TLS to the server, as the URL asks.', `server_tls_sslmode = ${server.sslmode}`);
    if (server.sslrootcert) tls.push(`server_tls_ca_file = ${server.sslrootcert}`);
  }
  return [
    `;; PgBouncer for project ${input.project}, environment ${input.environment}: written by \`launchdb pool pgbouncer\`.`,
    ";; Transaction pooling: a server connection is a client's for one transaction only, so the app must",
    ';; keep no session state between transactions (SET, advisory locks, LISTEN, named prepared',
    ';; statements). Migrations keep their direct URL.',
    '',
    '[databases]',
    `${input.database} = host=${server.host} port=${server.port} dbname=${server.database}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${input.listenPort}`,
    ';; TCP on the loopback only: no Unix socket to collide with a server on this machine.',
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${input.authFile}`,
    'pool_mode = transaction',
    `;; From \`launchdb pool plan\`: the app's pools open up to ${sizing.clientConnections} client connections here,`,
    `;; which share ${sizing.serverPool} server connections; twice the clients may connect during a rolling deploy.`,
    `default_pool_size = ${sizing.serverPool}`,
    `max_db_connections = ${sizing.serverPool}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    `max_client_conn = ${sizing.maxClientConn}`,
    `;; A query waiting this long (s) for a server connection fails instead of hanging (the default is 120).`,
    `query_wait_timeout = ${QUERY_WAIT_TIMEOUT_S}`,
    ';; Some drivers send it at startup, and PgBouncer refuses startup parameters it does not know.',
    'ignore_startup_parameters = extra_float_digits',
    ...tls,
    '',
  ].join('\n');
}

/** `"user" "secret"` lines, the format of PgBouncer's auth_file; a `"` inside is doubled. */
export function renderUserlist(entries: readonly UserlistEntry[]): string {
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  return `${entries.map((entry) => `${quote(entry.user)} ${quote(entry.secret)}`).join('\n')}\n`;
}

/**
 * The app's URL through PgBouncer: the same user and password, PgBouncer's address, the same
 * database name. TLS parameters are dropped: the listener is the loopback, without TLS.
 */
export function urlThroughPgBouncer(appUrl: string, listenPort: number, database: string): string {
  const source = new URL(appUrl);
  const url = new URL(`postgresql://127.0.0.1:${listenPort}/${encodeURIComponent(database)}`);
  url.username = source.username;
  url.password = source.password;
  return url.toString();
}
