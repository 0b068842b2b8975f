// `launchdb.expected_schema`: expected schemas kept beside the migration history they came from, so
// the next drift on any machine finds what the applied migrations make without replaying them.
//
// Only a role that may create in schema launchdb (the owner: `migrate drift`, a check run as the
// owner, an embedded database) writes it. The app role reads it (attach's default privileges give it
// SELECT on the owner's new launchdb tables) and never writes: were it able to, whoever holds the
// app's credentials could store an expected schema that hides their own manual change.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Queryable } from '../database.js';
import { decodeEntry, type ExpectedSchemaEntry, encodeEntry } from './expected-schema-entry.js';

/** Entries kept: the newest few, enough for the deploys under way and a rollback. */
const KEEP = 5;

const CREATE_TABLE = `
create schema if not exists launchdb;
create table if not exists launchdb.expected_schema (
  key text primary key,
  snapshot bytea not null,
  checksum text not null,
  created_at timestamptz not null default now(),
  created_by text not null default current_user,
  launchdb_version text not null
);
comment on table launchdb.expected_schema is 'what the applied migrations make (gzipped: a line of JSON, then the snapshot; see launchdb migrate drift): a cache, safe to empty';`;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Whether an entry is stored under `key` (damaged or not); false when this role cannot read the table. */
export async function hasExpectedSchema(db: Queryable, key: string): Promise<boolean> {
  if (!(await readable(db))) return false;
  const { rows } = await db.query<{ present: boolean }>(
    'select exists (select from launchdb.expected_schema where key = $1) as present',
    [key],
  );
  return rows[0]?.present === true;
}

/** The verified entry for `key`, or undefined: none, unreadable by this role, or damaged. */
export async function readExpectedSchema(
  db: Queryable,
  key: string,
): Promise<ExpectedSchemaEntry | undefined> {
  if (!(await readable(db))) return undefined;
  const { rows } = await db.query<{ snapshot: Buffer }>(
    'select snapshot from launchdb.expected_schema where key = $1',
    [key],
  );
  const stored = rows[0]?.snapshot;
  if (!stored) return undefined;
  let text: string;
  try {
    text = (await gunzipAsync(toBuffer(stored))).toString('utf8');
  } catch {
    return undefined;
  }
  return decodeEntry(text, key);
}

/**
 * Stores `entry` (replacing a damaged one under its key) and drops all but the newest entries, when
 * this role may; says whether it did. Never throws: a cache that cannot be written costs only time.
 */
export async function writeExpectedSchema(db: Queryable, entry: ExpectedSchemaEntry): Promise<boolean> {
  try {
    if (!(await mayWrite(db))) return false;
    await db.query(CREATE_TABLE);
    const snapshot = await gzipAsync(Buffer.from(encodeEntry(entry)));
    await db.query(
      `insert into launchdb.expected_schema (key, snapshot, checksum, launchdb_version) values ($1, $2, $3, $4)
       on conflict (key) do update set snapshot = excluded.snapshot, checksum = excluded.checksum,
         created_at = now(), created_by = current_user, launchdb_version = excluded.launchdb_version`,
      [entry.key, snapshot, entry.checksum, entry.launchdbVersion],
    );
    await db.query(
      `delete from launchdb.expected_schema where key not in
         (select key from launchdb.expected_schema order by created_at desc, key limit ${KEEP})`,
    );
    return true;
  } catch {
    // Two first writers racing to create the table, a read-only standby, a full disk: next time.
    return false;
  }
}

/** Asked first, so that a role without the table, or without SELECT on it, causes no error in the server's log. */
async function readable(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `select case when to_regclass('launchdb.expected_schema') is null then false
                 else has_table_privilege('launchdb.expected_schema', 'SELECT') end as ok`,
  );
  return rows[0]?.ok === true;
}

/** The table exists and this role may insert, update and delete in it; or it may create it. */
async function mayWrite(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `select case
              when to_regclass('launchdb.expected_schema') is not null then
                has_table_privilege('launchdb.expected_schema', 'INSERT')
                and has_table_privilege('launchdb.expected_schema', 'UPDATE')
                and has_table_privilege('launchdb.expected_schema', 'DELETE')
              when exists (select from pg_namespace where nspname = 'launchdb') then
                has_schema_privilege('launchdb', 'CREATE')
              else false
            end as ok`,
  );
  return rows[0]?.ok === true;
}

/** pg gives a bytea as a Buffer, PGlite as a Uint8Array. */
function toBuffer(value: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
