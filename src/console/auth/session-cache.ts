// The sessions one console instance has seen, kept in memory and re-read from the control database
// all at once every ttl (one statement for all of them), so many viewers cost one read per ttl, not
// one per viewer. A session ended elsewhere (another instance, the CLI) stops working here within
// two ttls; one ended here (sign-out, a new sign-in) is forgotten at once.
import type { Queryable } from '../../stores/postgres/database.js';
import { readSession, readSessions, type Session, tokenHash } from './sessions.js';

export class SessionCache {
  private readonly known = new Map<string, Session>();
  /** Sessions used since the last re-read: their last-seen time moves on. */
  private used = new Set<string>();
  private checkedAt = performance.now();
  private rereading: Promise<void> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly project: string,
    private readonly ttlMs: number,
  ) {}

  async get(token: string): Promise<Session | undefined> {
    if (this.ttlMs === 0) return readSession(this.db, this.project, token);
    const hash = tokenHash(token);
    const age = performance.now() - this.checkedAt;
    if (age > this.ttlMs) {
      this.rereading ??= this.reread().finally(() => {
        this.rereading = undefined;
      });
      // Past two ttls nothing kept may be served: wait for the fresh read.
      if (age > 2 * this.ttlMs) await this.rereading;
    }
    const kept = this.known.get(hash);
    if (kept) {
      this.used.add(hash);
      return kept;
    }
    const session = await readSession(this.db, this.project, token);
    if (session) this.known.set(hash, session);
    return session;
  }

  forget(token: string): void {
    this.known.delete(tokenHash(token));
  }

  private async reread(): Promise<void> {
    const startedAt = performance.now();
    const hashes = [...this.known.keys()];
    const used = [...this.used];
    this.used = new Set();
    const live = await readSessions(this.db, this.project, hashes, used);
    for (const hash of hashes) {
      const session = live.get(hash);
      if (session) this.known.set(hash, session);
      else this.known.delete(hash);
    }
    this.checkedAt = startedAt;
  }
}
