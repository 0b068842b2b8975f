// The migration lock: a Postgres advisory lock held by one session, so concurrent deploys take
// turns; Postgres releases it when the holder's connection ends, even if the process is killed.
import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';

/** Two int4 keys: 'ldbm' and 1 — launchdb's migrations, in this database. */
const KEYS = [0x6c64626d, 1] as const;

export interface LockHolder {
  pid: number;
  user: string;
  application: string;
  client: string | null;
  since: string | null;
}

/** Waits up to `timeoutMs` for the lock; then exit 3, naming who holds it. */
export async function acquireMigrationLock(
  session: Queryable,
  timeoutMs: number,
  location: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const { rows } = await session.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1, $2) as locked',
      [...KEYS],
    );
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      const holder = await lockHolder(session);
      const who = holder
        ? `pid ${holder.pid} (${holder.application || 'no application name'}, user ${holder.user}${holder.client ? `, from ${holder.client}` : ''}${holder.since ? `, since ${holder.since}` : ''})`
        : 'another session';
      throw new UnreachableError(
        `the migration lock on ${location} is held by ${who}; waited ${timeoutMs / 1000} s`,
        { fix: 'wait for that deploy to finish, or raise --lock-timeout' },
      );
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, 500);
  }
}

export async function releaseMigrationLock(session: Queryable): Promise<void> {
  await session.query('select pg_advisory_unlock($1, $2)', [...KEYS]);
}

/** The session holding the lock, from pg_locks and pg_stat_activity (undefined when not visible). */
export async function lockHolder(session: Queryable): Promise<LockHolder | undefined> {
  const { rows } = await session.query<{
    pid: number;
    usename: string | null;
    application_name: string | null;
    client: string | null;
    since: Date | string | null;
  }>(
    `select a.pid, a.usename, a.application_name, host(a.client_addr) as client, a.backend_start as since
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = $1 and l.objid = $2 and l.objsubid = 2
        and l.database = (select oid from pg_database where datname = current_database())
      limit 1`,
    [...KEYS],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid,
    user: row.usename ?? '?',
    application: row.application_name ?? '',
    client: row.client,
    since: row.since ? new Date(row.since).toISOString() : null,
  };
}
