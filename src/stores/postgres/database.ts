// One interface over both backings of Postgres: embedded (PGlite, in-process) and a real server.

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** One session held by the caller: queries, and COPY in and out (backups stream through these). */
export interface Connection extends Queryable {
  /** Streams `COPY … TO STDOUT` (give the statement with `TO STDOUT`). */
  copyOut(statement: string): AsyncIterable<Buffer>;
  /** Feeds `COPY … FROM STDIN` (give the statement with `FROM STDIN`) from `data`; resolves to the rows loaded. */
  copyIn(statement: string, data: AsyncIterable<Buffer>): Promise<number>;
}

/** What a backing can do; checks read these flags instead of asking which backing it is. */
export interface PostgresCapabilities {
  /** Logins are separate roles with passwords. Embedded: one superuser session. */
  loginRoles: boolean;
  /** The server enforces `statement_timeout`, `lock_timeout` and friends. */
  timeouts: boolean;
  /** Connections cross a network, so TLS applies. */
  network: boolean;
  /** Other sessions connect at once and show in pg_stat_activity. Embedded: only ours. */
  sessions: boolean;
}

export type Backing = 'embedded' | 'server';

export interface PostgresDatabase extends Queryable {
  readonly backing: Backing;
  readonly capabilities: PostgresCapabilities;
  /** Where it is, safe to print: `127.0.0.1:5432/shop_staging` or `.launchdb/production/postgres`. */
  readonly location: string;
  /**
   * Runs `fn` on one connection held for its whole length, for session state: advisory locks,
   * `SET`, a sequence of transactions. Embedded: the one session there is.
   */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const EMBEDDED_CAPABILITIES: PostgresCapabilities = {
  loginRoles: false,
  timeouts: false,
  network: false,
  sessions: false,
};
export const SERVER_CAPABILITIES: PostgresCapabilities = {
  loginRoles: true,
  timeouts: true,
  network: true,
  sessions: true,
};
