// The server backing: a small pg pool to a real Postgres, with connection failures made readable.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { UnreachableError } from '../../core/errors.js';
import { connectionFailure } from './connection-failure.js';
import { describeUrl, parseConnectionUrl } from './connection-url.js';
import { type Connection, type PostgresDatabase, SERVER_CAPABILITIES } from './database.js';

export interface ServerOptions {
  /** Give up connecting after this many ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Connections for concurrent checks. Default 4. */
  max?: number;
  applicationName?: string;
  /** Overrides the location shown in output (an embedded database served over the wire). */
  location?: string;
}

/** Connects, proves the connection with one query, and returns the database; unreachable is exit 3. */
export async function openServer(url: string, options: ServerOptions = {}): Promise<PostgresDatabase> {
  const { default: pgModule } = await import('pg');
  const config = connectionConfig(url, options);
  const pool = new pgModule.Pool({ ...config, max: options.max ?? 4, idleTimeoutMillis: 5_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw unreachable(url, error, config.connectionTimeoutMillis);
  }
  return new ServerDatabase(pool, options.location ?? describeUrl(url));
}

/**
 * Sends `statement` and hangs up without waiting for its answer: the server runs it to the end on
 * its own (it reads the goodbye that follows only once the statement is done). For work nobody needs to
 * wait for, such as dropping a database that was just replaced, which forces a checkpoint: after a
 * large restore, seconds to minutes of writing out what the restore loaded.
 */
export async function sendAndHangUp(
  url: string,
  statement: string,
  options: ServerOptions = {},
): Promise<void> {
  const { default: pgModule } = await import('pg');
  const config = connectionConfig(url, options);
  const client = new pgModule.Client(config);
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(url, error, config.connectionTimeoutMillis);
  }
  // A server set to check for lost clients (Postgres 14+) would cancel it once we hang up.
  await client.query('set client_connection_check_interval = 0').catch(() => {});
  // Its answer goes to nobody: the query fails here with "Connection terminated", as it should.
  client.query(statement).catch(() => {});
  await client.end().catch(() => {});
}

/** What a pool or a single client connects with: the URL, the time to give up, the name it shows. */
function connectionConfig(url: string, options: ServerOptions) {
  return {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'launchdb',
  };
}

class ServerDatabase implements PostgresDatabase {
  readonly backing = 'server' as const;
  readonly capabilities = SERVER_CAPABILITIES;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  async query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }> {
    const result = await this.pool.query(text, params as unknown[] | undefined);
    return { rows: rowsOf<Row>(result) };
  }

  async withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(clientConnection(client));
    } finally {
      client.release();
    }
  }

  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.withConnection(async (connection) => {
      await connection.query('begin');
      try {
        const value = await fn(connection);
        await connection.query('commit');
        return value;
      } catch (error) {
        await connection.query('rollback').catch(() => {});
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One pooled client as a Connection; COPY streams through pg-copy-streams. */
function clientConnection(client: pg.PoolClient): Connection {
  return {
    query: async <Row>(text: string, params?: readonly unknown[]) => ({
      rows: rowsOf<Row>(await client.query(text, params as unknown[] | undefined)),
    }),
    copyOut: (statement) => client.query(copyStreams.to(statement)),
    copyIn: async (statement, data) => {
      const copy = client.query(copyStreams.from(statement));
      await pipeline(Readable.from(data), copy);
      return copy.rowCount;
    },
  };
}

/** A text of several statements gives pg one result each: like embedded, the last one's rows. */
function rowsOf<Row>(result: pg.QueryResult | pg.QueryResult[]): Row[] {
  const last = Array.isArray(result) ? result.at(-1) : result;
  return (last?.rows ?? []) as Row[];
}

/** Turns a driver's connection error into one line: where, and why — never the password. */
export function unreachable(url: string, error: unknown, connectTimeoutMs: number): UnreachableError {
  const info = safeInfo(url);
  const message = (error as { message?: string }).message ?? String(error);
  const reason =
    connectionFailure(error, connectTimeoutMs)?.reason ?? (message.split('\n')[0] || 'unknown error');
  return new UnreachableError(
    `cannot reach Postgres at ${info.host}:${info.port} (database ${info.database}): ${reason}`,
    { cause: error, fix: 'check the host, port, credentials and network, or raise --connect-timeout' },
  );
}

function safeInfo(url: string) {
  try {
    return parseConnectionUrl(url);
  } catch {
    return { host: '(unparseable URL)', port: 0, database: '?', user: '?', sslmode: undefined };
  }
}
