// The live schema's fingerprint: every kind of schema change gives another one, and drift reuses a
// full reading (and its comparison) only while the catalogs keep the fingerprint it was made under.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { catalogFingerprint } from '../../src/stores/postgres/schema/catalog-fingerprint.js';
import { type DriftResult, detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { liveSchemaFile } from '../../src/stores/postgres/schema/live-schema-file.js';
import {
  adminQuery,
  type FreshDatabase,
  freshDatabase,
  serverAvailable,
  uniqueName,
} from '../helpers/databases.js';
import { type Live, liveProject } from './live-project.js';

/** Two fingerprints in a row; roles are the server's, so another suite's new role may come between: tried again. */
async function steadyFingerprint(db: PostgresDatabase): Promise<string | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = await catalogFingerprint(db);
    if (first !== undefined && first === (await catalogFingerprint(db))) return first;
  }
  throw new Error('the fingerprint never held still');
}

describe.skipIf(!serverAvailable)('the catalog fingerprint', () => {
  let fresh: FreshDatabase;
  const role = uniqueName('ldbt_fp');
  const renamed = `${role}_r`;
  beforeAll(async () => {
    fresh = await freshDatabase('server');
    await adminQuery(`create role ${role}`);
    await fresh.db.query(`
      create table items (id bigint primary key, note text, price numeric default 0);
      create index items_note_idx on items (note);
      create sequence item_numbers;
      create function label(n bigint) returns text language sql as $$ select 'item ' || n $$;
      grant select on items to ${role};`);
  });
  afterAll(async () => {
    await fresh?.drop();
    await adminQuery(`drop role if exists ${role}`).catch(() => {});
    await adminQuery(`drop role if exists ${renamed}`).catch(() => {});
  });

  it('is the same while nothing changes, and has the database, the server start and the epoch in it', async () => {
    const fingerprint = await steadyFingerprint(fresh.db);
    const { rows } = await fresh.db.query<{ started: string; database: string }>(
      `select pg_postmaster_start_time()::text as started,
              (select oid::text from pg_database where datname = current_database()) as database`,
    );
    expect(fingerprint!.startsWith(`${rows[0]!.started}:${rows[0]!.database}:`)).toBe(true);
  });

  const changes: [string, string][] = [
    ['a column added', 'alter table items add column size int'],
    ['a default changed', 'alter table items alter column price set default 1'],
    ['a comment', `comment on column items.note is 'what it is'`],
    ['a grant', `grant update on items to ${'{role}'}`],
    ['a revoke', `revoke select on items from ${'{role}'}`],
    ['a policy', 'alter table items enable row level security; create policy mine on items using (true)'],
    [
      'a function body replaced',
      `create or replace function label(n bigint) returns text language sql as $$ select 'no ' || n $$`,
    ],
    ['default privileges', `alter default privileges grant select on tables to ${'{role}'}`],
    ['an index dropped', 'drop index items_note_idx'],
    ['a sequence altered', 'alter sequence item_numbers increment by 5'],
    [
      'a table dropped and made again the same',
      'drop table items cascade; create table items (id bigint primary key, note text, price numeric default 0)',
    ],
  ];
  it.each(changes)('changes with %s', async (_, change) => {
    const before = await steadyFingerprint(fresh.db);
    await fresh.db.query(change.replaceAll('{role}', role));
    expect(await catalogFingerprint(fresh.db)).not.toBe(before);
  });

  it('changes when a role the schema names is renamed (in the server-wide catalog)', async () => {
    const before = await steadyFingerprint(fresh.db);
    await adminQuery(`alter role ${role} rename to ${renamed}`);
    try {
      expect(await catalogFingerprint(fresh.db)).not.toBe(before);
    } finally {
      await adminQuery(`alter role ${renamed} rename to ${role}`);
    }
  });

  it('stays the same through a change rolled back and rows written to tables', async () => {
    const unchanged = async () => {
      const before = await steadyFingerprint(fresh.db);
      await fresh.db
        .transaction(async (tx) => {
          await tx.query('alter table items add column gone int');
          throw new Error('roll back');
        })
        .catch(() => {});
      await fresh.db.query(
        `insert into items (id, note) values (1, 'one') on conflict (id) do update set note = 'uno'`,
      );
      await fresh.db.query(`select nextval('item_numbers')`);
      return before === (await steadyFingerprint(fresh.db));
    };
    // Roles are the server's: another suite's new one may come between; then it is tried again.
    let same = false;
    for (let attempt = 0; attempt < 3 && !same; attempt++) same = await unchanged();
    expect(same).toBe(true);
  });
});

const MIGRATIONS: Record<string, string> = {
  '20260101000000_users.sql':
    'create table users (id bigint generated always as identity primary key, email text not null unique);\n',
};

describe.skipIf(!serverAvailable)("drift's reuse of an unchanged live schema", () => {
  let live: Live;
  beforeAll(async () => {
    live = await liveProject('server', MIGRATIONS);
  });
  afterAll(() => live?.drop());
  const drift = (): Promise<DriftResult> =>
    live.use((db) => detectDrift(live.env, live.target, { live: db }));
  /** Drift until the fingerprint holds still between two runs (other suites make roles on the server). */
  const settled = async (): Promise<DriftResult> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await drift();
      if (result.liveSchema.comparison === 'kept') return result;
    }
    throw new Error('drift never reused its reading');
  };

  it('reads in full, then reuses the reading and its comparison while nothing changes', async () => {
    const first = await drift();
    expect(first.items).toEqual([]);
    expect(first.liveSchema).toEqual({ source: 'read', comparison: 'made' });
    const again = await settled();
    expect(again.items).toEqual([]);
    expect(again.liveSchema).toEqual({ source: 'unchanged', comparison: 'kept' });
  });

  it('finds a manual change at once, keeps finding it, and sees it undone', async () => {
    await settled();
    await live.use((db) => db.query('alter table users add column nickname text'));
    const changed = await drift();
    expect(changed.liveSchema.source).toBe('read');
    expect(changed.items.map((item) => item.object)).toEqual(['users.nickname']);
    const still = await settled();
    expect(still.items).toEqual(changed.items);

    await live.use((db) => db.query('alter table users drop column nickname'));
    const undone = await drift();
    expect(undone.liveSchema.source).toBe('read');
    expect(undone.items).toEqual([]);
  });

  it('reads the schema again when the kept reading is damaged', async () => {
    await settled();
    const file = liveSchemaFile(live.env.stateDir, live.env.name);
    const [header, body] = readFileSync(file, 'utf8').split('\n');
    const parsed = JSON.parse(header!);
    // Another comparison asked of it (its verdict no longer fits), and its snapshot edited.
    parsed.verdict.key = 'another';
    const snapshot = JSON.parse(body!);
    delete snapshot.tables['public.users'];
    writeFileSync(file, `${JSON.stringify(parsed)}\n${JSON.stringify(snapshot)}`);
    const result = await drift();
    expect(result.liveSchema).toEqual({ source: 'read', comparison: 'made' });
    expect(result.items).toEqual([]);
  });
});
