// The pool's connection: a pg.Client whose timeouts name themselves and that remembers its last statement.
import pg from 'pg';
import { cancelRunningStatement } from './cancel.js';
import { connectionError } from './connection-errors.js';
import { clientInternals } from './internals.js';
import { CLIENT_TIMEOUT_MESSAGE, QueryTimeoutError, type TimeoutLimits, timeoutOf } from './timeouts.js';

/** Where the pool puts its per-client settings in the config pg hands each new client. */
export const CLIENT_SETTINGS = Symbol('launchdb.pool.client-settings');

export interface PoolCounters {
  queryTimeouts: number;
  exhausted: number;
}

export interface ClientSettings {
  /** `host:port/database`, for the errors of a connection that fails. */
  server: string;
  limits: TimeoutLimits;
  /** How long connecting may take, in ms; 0 is no limit. */
  connectTimeout: number;
  /** Send named statements unnamed: PgBouncer's transaction mode moves them between server connections. */
  unnamedStatements: boolean;
  counters: PoolCounters;
}

type Callback = (error: Error | null | undefined, result?: unknown) => void;
/** A statement as this client submits it: pg's Query, with when a sweep first saw it unfinished. */
type Statement = pg.Query & {
  text?: string;
  callback?: Callback;
  query_timeout?: number;
  seenAt?: number;
  handleError(error: Error, connection: pg.Connection): void;
};
/** pg's own query, past our override; its overloads do not let a wrapper forward arguments. */
const submit = pg.Client.prototype.query as (this: pg.Client, query: unknown) => unknown;
const ignore = () => {};
/** pg's message for a statement sent on a connection that was lost before it. */
const NOT_QUERYABLE = 'Client has encountered a connection error and is not queryable';
/** What the server sends as a WARNING just before it closes the socket: an immediate shutdown (57P01), a crash (57P02). */
const FAREWELL = /^57P0[12]$/;

export class LaunchdbClient extends pg.Client {
  /** When the pool last handed this client out (`performance.now()`); the exhaustion error reads it. */
  checkedOutAt = 0;
  /** The text or config of the statement it ran last, kept as given: a first line is made only for an error. */
  lastStatement: unknown;
  readonly #settings: ClientSettings;
  /** The first error of a connection that failed, as pg gave it; 'Connection terminated unexpectedly' follows it. */
  #lostWith: Error | undefined;
  #farewell: { code?: string; message?: string } | undefined;

  constructor(config: pg.ClientConfig & { [CLIENT_SETTINGS]: ClientSettings }) {
    const settings = config[CLIENT_SETTINGS];
    // The connect limit is the client's own, so that pg-pool sets no timer per acquisition (deadlines.ts).
    super({ ...config, connectionTimeoutMillis: settings.connectTimeout });
    this.#settings = settings;
    // A checked-out client whose server closes it (idle_in_transaction_session_timeout, a restart) emits
    // 'error' with nobody listening, which would crash the process; the next statement says why.
    this.on('error', ignore);
    this.on('notice', (notice) => {
      if (notice.code && FAREWELL.test(notice.code)) this.#farewell = notice;
    });
  }

  /**
   * Every 'error' this client emits names the server and what happened: pool.query rejects with it
   * when the connection fails mid-statement, and the pool's own 'error' event passes it on for an idle one.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && args[0] instanceof Error) {
      this.#lostWith ??= args[0];
      args[0] = this.#connectionError(args[0]);
    }
    return super.emit(event, ...args);
  }

  // biome-ignore lint/suspicious/noExplicitAny: one implementation for all of pg's overloads
  override query(config: unknown, values?: unknown, callback?: unknown): any {
    if (config == null) return submit.call(this, config); // pg's own TypeError
    if (typeof (config as pg.Submittable).submit === 'function') {
      // Cursors and streams answer through their own events; they pass through untouched.
      this.lastStatement = (config as { text?: string }).text;
      return submit.call(this, config);
    }
    if (typeof values === 'function') {
      callback = values;
      values = undefined;
    }
    if (this.#settings.unnamedStatements && (config as pg.QueryConfig).name) {
      config = { ...(config as pg.QueryConfig), name: undefined };
    }
    this.lastStatement = config;
    // Built here, as pg would, so the backstop can tell whether it is the statement running.
    const query = new pg.Query(config as pg.QueryConfig, values as unknown[] | undefined) as Statement;
    const ownTimeout = (config as { query_timeout?: number }).query_timeout;
    if (ownTimeout !== undefined) query.query_timeout = ownTimeout; // pg times it itself
    const done = (typeof callback === 'function' ? callback : query.callback) as Callback | undefined;
    if (done) {
      query.callback = (error, result) => done(error ? this.#named(error, query) : error, result);
      submit.call(this, query);
      return undefined;
    }
    return new Promise((resolve, reject) => {
      query.callback = (error, result) => (error ? reject(this.#named(error, query)) : resolve(result));
      submit.call(this, query);
    }).catch((error: Error) => {
      // As pg does: a stack that leads back to the application rather than to the socket.
      Error.captureStackTrace(error);
      throw error;
    });
  }

  /**
   * The backstop, called by the pool's sweep: rejects each statement of this client unfinished
   * `limit` ms after a sweep first saw it, as pg's query_timeout would, and cancels it on the server.
   */
  expireStatements(limit: number, now: number): void {
    const internals = clientInternals(this);
    const statements = internals._activeQuery
      ? [internals._activeQuery, ...internals._queryQueue]
      : internals._queryQueue;
    for (const query of statements as Statement[]) {
      // Only plain statements: cursors stay open across round trips by design; pg times its own.
      if (!(query instanceof pg.Query) || query.query_timeout !== undefined) continue;
      if (query.seenAt === undefined) query.seenAt = now;
      else if (now - query.seenAt >= limit) this.#expire(query);
    }
  }

  #expire(query: Statement): void {
    const queued = clientInternals(this)._queryQueue.indexOf(query);
    if (queued !== -1) clientInternals(this)._queryQueue.splice(queued, 1);
    else if (this.pipeline) this.connection.stream.destroy(); // as pg does: the pipeline is blocked behind it
    // The callback cancels a running statement on the server (see #named); its late answer is ignored.
    query.handleError(new Error(CLIENT_TIMEOUT_MESSAGE), this.connection);
    query.callback = ignore;
  }

  /**
   * The error as the app should see it: a QueryTimeoutError when a limit stopped the statement, a
   * PoolConnectionError when the connection failed, else pg's own.
   */
  #named(error: Error, query: Statement): Error {
    const lostWith = this.#lostWith;
    const hit = timeoutOf(error, this.#settings.limits, lostWith);
    if (!hit) return this.#connectionError(error);
    if (hit.source === 'client') {
      if (query.query_timeout !== undefined) hit.ms = query.query_timeout;
      // The backstop only stops waiting; the server runs the statement on unless told to stop.
      if (clientInternals(this)._activeQuery === query) cancelRunningStatement(this);
    }
    this.#settings.counters.queryTimeouts++;
    const cause = hit.name === 'idle_in_transaction_session_timeout' ? lostWith! : error;
    return new QueryTimeoutError(hit, query.text ?? '', cause);
  }

  /**
   * A connection failure as a PoolConnectionError. Once the connection has failed, what follows
   * ("Connection terminated unexpectedly", "not queryable") is named by the first reason: a 57P01
   * answering one statement is why the next one fails too.
   */
  #connectionError(error: Error): Error {
    const { server, connectTimeout } = this.#settings;
    const phase = clientInternals(this)._connecting ? 'connect' : 'session';
    const facts = { server, phase, connectTimeout, farewell: this.#farewell } as const;
    const named = connectionError(error, facts);
    const first = this.#lostWith;
    if (first && first !== error && (named !== error || error.message === NOT_QUERYABLE)) {
      return connectionError(first, facts);
    }
    if (named !== error) this.#lostWith ??= error;
    return named;
  }
}
