// Fresh databases for tests, on both backings: an embedded one in a temp folder, and a new database
// on the machine's Postgres server (dropped afterwards). Contract suites run the same tests on both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { openServer } from '../../src/stores/postgres/server.js';

export const SERVER_URL =
  process.env.LAUNCHDB_TEST_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** True when the server answered in global setup (always true under CI=true, or setup failed). */
export const serverAvailable = process.env.LAUNCHDB_TEST_SERVER !== '0';

export type BackingName = 'embedded' | 'server';
export const BACKINGS: BackingName[] = ['embedded', 'server'];

export interface FreshDatabase {
  db: PostgresDatabase;
  /** A URL for the server database (its superuser); undefined for embedded. */
  url?: string;
  /** The folder of the embedded database; undefined for server. */
  dir?: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A unique, valid database or role name for this test process. */
export function uniqueName(prefix = 'ldbt'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

export async function freshDatabase(backing: BackingName): Promise<FreshDatabase> {
  if (backing === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'launchdb-embedded-'));
    const db = await openEmbedded(join(dir, 'postgres'));
    return {
      db,
      dir,
      drop: async () => {
        await db.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = uniqueName();
  await adminQuery(`create database ${name}`);
  const url = serverUrlFor(name);
  const db = await openServer(url);
  return {
    db,
    url,
    drop: async () => {
      await db.close().catch(() => {});
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** The server URL with another database (and optionally user). */
export function serverUrlFor(database: string, user?: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

/** Runs SQL as the server's superuser on its maintenance database. */
export async function adminQuery(sql: string, params: unknown[] = [], database = 'postgres') {
  return queryAt(serverUrlFor(database), sql, params);
}

/** One query on a session of its own, as whoever `url` logs in as (the app, another role). */
// biome-ignore lint/suspicious/noExplicitAny: rows untyped unless asked, as pg's own query gives them
export async function queryAt<Row extends pg.QueryResultRow = any>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<Row>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<Row>(sql, params);
  } finally {
    await client.end();
  }
}
