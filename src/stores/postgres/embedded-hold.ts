// Keeps one embedded database open across a whole action. Opening PGlite takes about half a second
// even when the process opened it a moment ago; an action recorded in the audit trail would pay it
// twice (the command's open, then the recorder's). Within `hold.run`, every open of the held data
// folder returns the one instance and every close leaves it open; `release` closes it for real.
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import type { Connection, PostgresDatabase } from './database.js';

const active = new AsyncLocalStorage<EmbeddedHold>();

export class EmbeddedHold {
  private held: PostgresDatabase | undefined;
  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = resolve(dataDir);
  }

  /** Runs `fn` with the folder's database held: opened at most once, closed only by `release`. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return active.run(this, fn);
  }

  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    await held?.close();
  }

  /** The database already open for `dataDir` in this hold (as a view whose close does nothing). */
  reuse(dataDir: string): PostgresDatabase | undefined {
    return this.held && resolve(dataDir) === this.dataDir ? unclosable(this.held) : undefined;
  }

  /** Takes a database just opened for `dataDir` into the hold; returns what the opener should use. */
  keep(dataDir: string, db: PostgresDatabase): PostgresDatabase {
    if (resolve(dataDir) !== this.dataDir || this.held) return db;
    this.held = db;
    return unclosable(db);
  }
}

/** The hold of the action running now, if any. */
export function currentHold(): EmbeddedHold | undefined {
  return active.getStore();
}

function unclosable(db: PostgresDatabase): PostgresDatabase {
  return {
    backing: db.backing,
    capabilities: db.capabilities,
    location: db.location,
    query: <Row>(text: string, params?: readonly unknown[]) => db.query<Row>(text, params),
    withConnection: <T>(fn: (connection: Connection) => Promise<T>) => db.withConnection(fn),
    transaction: <T>(fn: (tx: Connection) => Promise<T>) => db.transaction(fn),
    close: async () => {},
  };
}
