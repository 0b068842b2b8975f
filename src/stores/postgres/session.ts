// One environment's Postgres for the length of a command: connected once, lazily, closed once.
import { StoreUnavailable } from '../../core/checks/check.js';
import { UnreachableError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import type { PostgresDatabase } from './database.js';
import { openPostgres } from './open.js';
import type { PostgresTarget } from './target.js';

export class PostgresSession {
  private opened: Promise<PostgresDatabase> | undefined;
  /** Opened by someone else, who closes it. */
  private borrowed = false;

  /** A session over a database opened elsewhere, such as a drill's scratch copy; `close` leaves it open. */
  static over(env: Environment, db: PostgresDatabase): PostgresSession {
    const session = new PostgresSession(
      env,
      { backing: 'embedded', dataDir: '', location: db.location },
      { connectTimeoutMs: 0, command: 'launchdb' },
    );
    session.opened = Promise.resolve(db);
    session.borrowed = true;
    return session;
  }

  constructor(
    readonly env: Environment,
    readonly target: PostgresTarget,
    private readonly options: { connectTimeoutMs: number; command: string },
  ) {}

  /** Connects (once) with the app's credentials; rejects with the reason it cannot. */
  connect(): Promise<PostgresDatabase> {
    this.opened ??= openPostgres(this.target, {
      connectTimeoutMs: this.options.connectTimeoutMs,
      root: this.env.root,
      command: this.options.command,
    });
    return this.opened;
  }

  /** The database for a check; unreachable becomes StoreUnavailable, which the runner reports as skip. */
  async db(): Promise<PostgresDatabase> {
    try {
      return await this.connect();
    } catch (error) {
      if (error instanceof UnreachableError) throw new StoreUnavailable(`Postgres at ${this.location}`);
      throw error;
    }
  }

  get location(): string {
    return this.target.backing === 'embedded'
      ? this.target.location
      : `${this.target.host}:${this.target.port}/${this.target.database}`;
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (this.borrowed) return;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
