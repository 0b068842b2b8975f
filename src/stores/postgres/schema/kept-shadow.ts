// A shadow kept between drift runs at the last migration replayed into it, so the next run replays
// only the migrations applied since. On a server it is the database `<database>_shadow_kept`; embedded,
// a PGlite data dir under the environment's `.launchdb/<env>/`. One run uses it at a time (an advisory
// lock on the server, a lock file embedded); a run that finds it busy uses a new shadow of its own.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine } from '../../../core/errors.js';
import { acquireLock, isLock } from '../../../core/file-lock.js';
import type { Queryable } from '../database.js';
import { openEmbedded } from '../embedded.js';
import { quoteIdent } from '../sql-quote.js';
import {
  type Attempt,
  dropServerDatabase,
  embeddedShadow,
  openServerShadow,
  type Shadow,
  type ShadowServer,
  scratchBase,
} from './shadow.js';

/** What a kept shadow holds, recorded in it: in schema launchdb, which no snapshot reads. */
export interface KeptState {
  /** `expectedSchemaBase` of the runs that built it: another base never extends it. */
  base: string;
  /** Checksums of the migrations replayed into it, in order. */
  migrations: string[];
  /** `snapshotChecksum` of its schema after them: checked before it is trusted. */
  checksum: string;
}

/** An open kept shadow; `reset` empties it (drops and recreates it) and gives the new one. */
export interface KeptShadow {
  shadow: Shadow;
  /** True when it was just created, empty. */
  created: boolean;
  reset(): Promise<Shadow>;
}

/** Advisory lock keys: 'ldbs' (launchdb's shadows) and the kept database's name, hashed. */
const LOCK_CLASS = 0x6c646273;

/** `<database>_shadow_kept`, the database part shortened to fit as `shadowName` does. */
export function keptShadowName(database: string): string {
  return `${scratchBase(database, 'shadow')}_shadow_kept`;
}

/** The embedded kept shadow's folder: the environment's own, beside its database. */
export function keptShadowDir(stateDir: string, environment: string): string {
  return join(stateDir, environment, 'shadow');
}

export async function keptServerShadowExists(admin: Queryable, name: string): Promise<boolean> {
  const { rows } = await admin.query<{ exists: boolean }>(
    'select exists (select from pg_database where datname = $1) as exists',
    [name],
  );
  return rows[0]?.exists === true;
}

/**
 * Runs `fn` with the server's kept shadow for `database`, created when missing, under an advisory
 * lock held on the admin connection. Not done when another run holds the lock, or the database cannot
 * be created. When `fn` throws, the kept shadow is dropped: nothing half-replayed is kept.
 */
export async function withKeptServerShadow<T>(
  server: ShadowServer,
  database: string,
  options: { connectTimeoutMs?: number },
  notes: string[],
  fn: (kept: KeptShadow) => Promise<T>,
): Promise<Attempt<T>> {
  const name = keptShadowName(database);
  return server.admin.withConnection(async (session) => {
    const { rows } = await session.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1, hashtext($2)) as locked',
      [LOCK_CLASS, name],
    );
    if (!rows[0]?.locked) return { done: false };
    try {
      const created = !(await keptServerShadowExists(session, name));
      if (created) {
        try {
          await session.query(`create database ${quoteIdent(name)}`);
        } catch (error) {
          notes.push(`cannot keep a shadow database at ${server.where} (${firstLine(error)})`);
          return { done: false };
        }
      }
      let shadow = await openServerShadow(server, name, options, notes);
      try {
        // Marked as launchdb's at once: a database of this name without the mark is someone else's,
        // never emptied nor dropped.
        if (created) await clearKeptState(shadow.db);
        else if (!(await isKeptShadow(shadow.db))) {
          notes.push(
            `the database ${name} at ${server.where} is not a shadow launchdb kept: the shadow is a new one (drop or rename ${name} to let drift keep its shadow)`,
          );
          await shadow.db.close();
          return { done: false };
        }
      } catch (error) {
        await shadow.db.close().catch(() => {});
        throw error;
      }
      try {
        const value = await fn({
          shadow,
          created,
          reset: async () => {
            await shadow.db.close();
            await dropServerDatabase(server, name, notes, session);
            await session.query(`create database ${quoteIdent(name)}`);
            shadow = await openServerShadow(server, name, options, notes);
            await clearKeptState(shadow.db);
            return shadow;
          },
        });
        return { done: true, value };
      } catch (error) {
        await shadow.db.close().catch(() => {});
        await dropServerDatabase(server, name, notes, session);
        throw error;
      } finally {
        await shadow.db.close().catch(() => {});
      }
    } finally {
      await session.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]).catch(() => {});
    }
  });
}

/**
 * Runs `fn` with the embedded kept shadow in `dir`, created when missing, holding `dir.lock` for the
 * whole run (resets included). Not done when another process holds it. When `fn` throws, the folder
 * is removed.
 */
export async function withKeptEmbeddedShadow<T>(
  dir: string,
  notes: string[],
  fn: (kept: KeptShadow) => Promise<T>,
): Promise<Attempt<T>> {
  const command = 'launchdb drift (kept shadow)';
  const lock = await acquireLock(`${dir}.lock`, { command }, 0);
  if (!isLock(lock)) return { done: false };
  const dataDir = join(dir, 'postgres');
  const open = async () => embeddedShadow(await openEmbedded(dataDir, { command, lockWaitMs: 0 }), notes);
  try {
    const created = !existsSync(join(dataDir, 'PG_VERSION'));
    let shadow = await open();
    try {
      const value = await fn({
        shadow,
        created,
        reset: async () => {
          await shadow.db.close();
          rmSync(dir, { recursive: true, force: true });
          shadow = await open();
          return shadow;
        },
      });
      return { done: true, value };
    } catch (error) {
      await shadow.db.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      await shadow.db.close().catch(() => {});
    }
  } finally {
    lock.release();
  }
}

const CREATE_STATE = `
create schema if not exists launchdb;
create table if not exists launchdb.kept_shadow (base text not null, migrations text[] not null, checksum text not null);`;

export async function readKeptState(db: Queryable): Promise<KeptState | undefined> {
  const { rows: present } = await db.query<{ ok: boolean }>(
    `select to_regclass('launchdb.kept_shadow') is not null as ok`,
  );
  if (!present[0]?.ok) return undefined;
  const { rows } = await db.query<KeptState>(
    'select base, migrations, checksum from launchdb.kept_shadow limit 2',
  );
  return rows.length === 1 ? rows[0] : undefined;
}

/** Whether `db` carries the mark of a kept shadow (its state table, empty or not). */
async function isKeptShadow(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `select to_regclass('launchdb.kept_shadow') is not null as ok`,
  );
  return rows[0]?.ok === true;
}

/** Forgets what the shadow holds: done before replaying into it, so an interrupted replay is never trusted. */
export async function clearKeptState(db: Queryable): Promise<void> {
  await db.query(`${CREATE_STATE}\ndelete from launchdb.kept_shadow;`);
}

export async function writeKeptState(db: Queryable, state: KeptState): Promise<void> {
  await clearKeptState(db);
  await db.query('insert into launchdb.kept_shadow (base, migrations, checksum) values ($1, $2, $3)', [
    state.base,
    state.migrations,
    state.checksum,
  ]);
}
