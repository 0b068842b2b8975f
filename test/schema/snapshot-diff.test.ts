// The catalog snapshot and its diff, on both backings: every object family, equality, and each manual change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDatabase, Queryable } from '../../src/stores/postgres/database.js';
import { diffSnapshots } from '../../src/stores/postgres/schema/diff.js';
import {
  type CatalogSnapshot,
  snapshotChecksum,
  takeSnapshot,
} from '../../src/stores/postgres/schema/snapshot.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  type FreshDatabase,
  freshDatabase,
  serverAvailable,
} from '../helpers/databases.js';
import { KITCHEN_ROLES, KITCHEN_SINK } from './fixtures.js';

/** Roles exist cluster-wide on the server; created once, idempotently, for whichever suite runs first. */
const createRoles = KITCHEN_ROLES.map(
  (role) => `do $$ begin create role ${role}; exception when duplicate_object then null; end $$;`,
).join('\n');

/** The kitchen sink, plus an extension (and its member objects, which must not show) where one is installed. */
function kitchenSink(backing: BackingName): string {
  return backing === 'server'
    ? KITCHEN_SINK.replace('create schema app;', 'create schema app;\ncreate extension citext schema app;')
    : KITCHEN_SINK;
}

async function build(backing: BackingName): Promise<FreshDatabase> {
  const fresh = await freshDatabase(backing);
  if (backing === 'embedded') await fresh.db.query(createRoles);
  await fresh.db.query(kitchenSink(backing));
  return fresh;
}

/** Applies `change` in a transaction, snapshots inside it, and rolls back: the database stays as built. */
async function snapshotWith(db: PostgresDatabase, change: string): Promise<CatalogSnapshot> {
  let snapshot: CatalogSnapshot | undefined;
  await db
    .transaction(async (tx: Queryable) => {
      await tx.query(change);
      snapshot = await takeSnapshot(tx);
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return snapshot!;
}

if (serverAvailable) {
  beforeAll(() => adminQuery(createRoles));
  afterAll(async () => {
    for (const role of KITCHEN_ROLES) await adminQuery(`drop role if exists ${role}`).catch(() => {});
  });
}

describe.each(BACKINGS)('catalog snapshot on %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let one: FreshDatabase;
  let two: FreshDatabase;
  let expected: CatalogSnapshot;

  beforeAll(async () => {
    if (skip) return;
    [one, two] = await Promise.all([build(backing), build(backing)]);
    expected = await takeSnapshot(one.db);
  });
  afterAll(async () => {
    await one?.drop();
    await two?.drop();
  });

  it.skipIf(skip)('records every object family of the kitchen sink, by name', () => {
    expect(Object.keys(expected.schemas)).toEqual(['app', 'public']);
    expect(expected.tables['app.events']).toMatchObject({
      kind: 'partitioned table',
      partitionKey: 'RANGE (at)',
    });
    expect(expected.tables['app.events_2025']).toMatchObject({ partitionOf: 'app.events' });
    expect(expected.tables['app.orders']).toMatchObject({
      options: ['fillfactor=70'],
      rowSecurity: true,
      forceRowSecurity: true,
    });
    expect(expected.tables['app.cache']?.unlogged).toBe(true);
    expect(expected.tables['app.audit']).toMatchObject({
      inherits: ['app.audit_base'],
      replicaIdentity: 'full',
    });
    expect(expected.columns['app.users.id']).toMatchObject({
      type: 'bigint',
      identity: 'always',
      notNull: true,
    });
    expect(expected.columns['app.users.email']).toMatchObject({ type: 'app.email', comment: 'login' });
    expect(expected.columns['app.users.name']).toMatchObject({
      collation: 'pg_catalog."C"',
      default: "''::text",
    });
    expect(expected.columns['app.users.search']?.generated).toBe('lower(name) stored');
    expect(expected.constraints['app.orders.orders_user_id_fkey']?.definition).toBe(
      'FOREIGN KEY (user_id) REFERENCES app.users(id) ON DELETE CASCADE',
    );
    expect(expected.constraints['app.orders.total_positive']?.definition).toMatch(/NOT VALID$/);
    expect(expected.indexes['app.orders_open_idx']?.definition).toBe(
      "CREATE INDEX orders_open_idx ON app.orders USING btree (placed_at DESC) WHERE (status <> 'done'::text)",
    );
    expect(expected.indexes['app.orders_user_idx']?.comment).toBe('for the user page');
    // Indexes behind constraints are the constraints'.
    expect(expected.indexes['app.users_pkey']).toBeUndefined();
    expect(expected.views['app.order_totals']).toMatchObject({ materialized: true, populated: false });
    expect(expected.views['app.secure_orders']?.options).toEqual(['security_barrier=true']);
    expect(expected.views['app.active_users']?.columns).toEqual(['id bigint', 'email app.email']);
    expect(expected.sequences['app.invoice_no']).toMatchObject({ increment: '5', min: '100', cycle: true });
    expect(expected.sequences['app.orders_id_seq']?.ownedBy).toBe('app.orders.id');
    expect(Object.keys(expected.functions).sort()).toEqual([
      'app.add(integer, integer)',
      'app.archive(timestamp with time zone)',
      'app.total_of(numeric)',
      'app.touch()',
    ]);
    expect(expected.functions['app.total_of(numeric)']?.kind).toBe('aggregate');
    expect(expected.functions['app.archive(timestamp with time zone)']?.kind).toBe('procedure');
    expect(expected.triggers['app.orders.orders_touch']).toMatchObject({ enabled: 'disabled' });
    expect(Object.keys(expected.triggers)).toEqual(['app.events.events_touch', 'app.orders.orders_touch']);
    expect(expected.enums['app.mood']?.labels).toEqual(['sad', 'ok', 'happy']);
    expect(expected.domains['app.email']).toMatchObject({ type: 'text', notNull: true });
    expect(expected.domains['app.email']?.constraints).toEqual([
      "CONSTRAINT email_check CHECK ((VALUE ~ '@'::text))",
    ]);
    expect(expected.types['app.point2']?.definition).toBe('(x integer, y integer)');
    expect(expected.types['app.price_range']?.kind).toBe('range type');
    expect(expected.policies['app.orders.own_orders']).toMatchObject({
      command: 'SELECT',
      roles: ['ldbt_snap_analyst'],
      using: '(user_id > 0)',
    });
    expect(expected.policies['app.orders.insert_orders']).toMatchObject({
      permissive: false,
      roles: ['PUBLIC'],
    });
    expect(expected.grants['table app.orders to ldbt_snap_analyst']?.granted).toEqual(['SELECT']);
    expect(expected.grants['column app.users.name to ldbt_snap_auditor']?.granted).toEqual(['UPDATE']);
    expect(expected.grants['sequence app.invoice_no to ldbt_snap_analyst']?.granted).toEqual([
      'USAGE WITH GRANT OPTION',
    ]);
    expect(expected.grants['function app.add(integer, integer) to PUBLIC']?.revoked).toEqual(['EXECUTE']);
    // Granted by the default privileges in force when it was created.
    expect(expected.grants['table app.after_defaults to ldbt_snap_auditor']?.granted).toEqual(['SELECT']);
    expect(expected.defaultPrivileges['for role postgres on functions to PUBLIC']?.revoked).toEqual([
      'EXECUTE',
    ]);
    expect(expected.collations['app.posix_c']).toEqual({
      provider: 'libc',
      locale: null,
      lcCollate: 'C',
      lcCtype: 'C',
      deterministic: true,
      icuRules: null,
      comment: 'bytewise',
    });
    expect(expected.collations['app.ci']).toMatchObject({
      provider: 'icu',
      locale: 'und-u-ks-level2',
      lcCollate: null,
      deterministic: false,
    });
    expect(expected.columns['app.labels.tag']?.collation).toBe('app.ci');
    // Storage and statistics settings only where set, so other columns read as before.
    expect(expected.columns['app.labels.body']).toMatchObject({ storage: 'external', statistics: 500 });
    expect(expected.columns['app.labels.code']?.options).toEqual(['n_distinct=-0.5']);
    expect(expected.columns['app.labels.id']).not.toHaveProperty('storage');
    expect(expected.columns['app.labels.id']).not.toHaveProperty('statistics');
    expect(expected.columns['app.labels.id']).not.toHaveProperty('options');
    expect(expected.columns['app.labels.id']).not.toHaveProperty('compression');
    expect(expected.statistics['app.labels_stats']).toEqual({
      table: 'app.labels',
      definition: 'CREATE STATISTICS app.labels_stats (ndistinct, dependencies) ON id, code FROM app.labels',
      target: 250,
      comment: 'codes follow ids',
    });
    expect(expected.rules).toEqual({
      'app.labels.labels_keep': {
        table: 'app.labels',
        definition: 'CREATE RULE labels_keep AS ON DELETE TO app.labels DO INSTEAD NOTHING',
        enabled: 'origin',
        comment: 'labels stay',
      },
    });
    expect(expected.views['app.active_users']?.columnComments).toEqual({ email: 'their login' });
    expect(expected.views['app.secure_orders']).not.toHaveProperty('columnComments');
    expect(expected.extensions.plpgsql).toBeDefined();
    if (backing === 'server') {
      expect(expected.extensions.citext).toMatchObject({ schema: 'app' });
      // Objects an extension brings are the extension's.
      expect(Object.keys(expected.functions).some((key) => key.includes('citext'))).toBe(false);
      expect(expected.types['app.citext']).toBeUndefined();
    }
    // launchdb's own schema and the system schemas are not the application's.
    expect(Object.keys(expected.schemas)).not.toContain('pg_catalog');
    expect(JSON.parse(JSON.stringify(expected))).toEqual(expected);
  });

  it.skipIf(skip)('gives equal snapshots and checksums of two databases built by the same SQL', async () => {
    const other = await takeSnapshot(two.db);
    expect(other).toEqual(expected);
    expect(snapshotChecksum(other)).toBe(snapshotChecksum(expected));
    expect(diffSnapshots(expected, other)).toEqual([]);
  });

  it.skipIf(skip)(
    "leaves out launchdb's own schema unless asked, and records owners and renamed roles on request",
    async () => {
      await two.db.query(
        'create schema launchdb; create table launchdb.migrations (version text primary key)',
      );
      try {
        expect(await takeSnapshot(two.db)).toEqual(expected);
        const all = await takeSnapshot(two.db, {
          excludeSchemas: [],
          owners: true,
          roles: { postgres: 'owner', ldbt_snap_analyst: 'analyst' },
        });
        expect(all.tables['launchdb.migrations']).toMatchObject({ owner: 'owner' });
        expect(all.grants['table app.orders to analyst']?.granted).toEqual(['SELECT']);
        expect(all.policies['app.orders.own_orders']?.roles).toEqual(['analyst']);
        expect(all.defaultPrivileges['for role owner on functions to PUBLIC']?.revoked).toEqual(['EXECUTE']);
      } finally {
        await two.db.query('drop schema launchdb cascade');
      }
    },
  );

  it.skipIf(skip)(
    "restores the caller's session settings when it snapshots inside the caller's transaction",
    async () => {
      await one.db.transaction(async (tx) => {
        await tx.query(`set local search_path = app, public; set local timezone = 'Asia/Tokyo'`);
        await takeSnapshot(tx);
        const { rows } = await tx.query<{ path: string; zone: string }>(
          `select current_setting('search_path') as path, current_setting('timezone') as zone`,
        );
        expect(rows[0]).toEqual({ path: 'app, public', zone: 'Asia/Tokyo' });
      });
    },
  );

  const changes: [string, string, string | RegExp][] = [
    [
      'a column',
      'alter table notes add column nickname text',
      'column notes.nickname exists in production but in no migration',
    ],
    [
      'an index',
      'create index notes_body_idx on notes (body)',
      'index notes_body_idx exists in production but in no migration',
    ],
    [
      'a dropped index',
      'drop index app.orders_user_idx',
      'index app.orders_user_idx is missing from production',
    ],
    [
      'a grant to a role',
      'grant insert, delete on app.orders to ldbt_snap_analyst',
      'grant DELETE, INSERT on table app.orders to ldbt_snap_analyst exists in production but in no migration',
    ],
    [
      'a grant given back to PUBLIC',
      'grant execute on function app.add(integer, integer) to public',
      'EXECUTE on function app.add(integer, integer) is revoked from PUBLIC in the migrations but not in production',
    ],
    [
      'an RLS policy',
      'create policy wipe on app.orders for delete to ldbt_snap_auditor using (true)',
      'policy wipe on app.orders exists in production but in no migration',
    ],
    [
      'row-level security turned off',
      'alter table app.orders disable row level security',
      'table app.orders has row-level security disabled in production but row-level security enabled in the migrations',
    ],
    [
      'a changed default',
      "alter table app.orders alter column status set default 'open'",
      "column app.orders.status has default 'open'::text in production but default 'new'::text in the migrations",
    ],
    [
      'a changed type',
      'alter table notes alter column body type varchar(255)',
      'column notes.body is varchar(255) in production but text in the migrations',
    ],
    [
      'a dropped constraint',
      'alter table app.orders drop constraint orders_user_id_fkey',
      'foreign key orders_user_id_fkey on app.orders is missing from production',
    ],
    [
      'a function body',
      `create or replace function app.touch() returns trigger language plpgsql as $$
begin
  new.placed_at := now() - interval '1 second';
  return new;
end $$`,
      'function app.touch() has a different definition in production than in the migrations',
    ],
    [
      'a trigger enabled',
      'alter table app.orders enable trigger orders_touch',
      'trigger orders_touch on app.orders is enabled (origin) in production but disabled in the migrations',
    ],
    [
      'an enum label',
      "alter type app.mood add value 'ecstatic'",
      'enum app.mood has labels (sad, ok, happy, ecstatic) in production but labels (sad, ok, happy) in the migrations',
    ],
    [
      'a default privilege',
      'alter default privileges in schema app grant insert on tables to ldbt_snap_analyst',
      'default privilege for role postgres in schema app granting INSERT on new tables to ldbt_snap_analyst exists in production but in no migration',
    ],
    [
      'a comment',
      "comment on table app.users is 'humans'",
      'table app.users has comment "humans" in production but comment "people" in the migrations',
    ],
    [
      'a column dropped and added back',
      'alter table app.users drop column score; alter table app.users add column score numeric(10, 2) check (score >= 0)',
      'table app.users has its columns in the order id, email, name, mood, created_at, search, score in production but id, email, name, mood, score, created_at, search in the migrations',
    ],
    [
      'a view',
      'create or replace view app.active_users as select id, email from app.users',
      /^view app.active_users is defined as SELECT .*app.users in production but defined as SELECT .*mood.* in the migrations$/,
    ],
    [
      'a sequence',
      'alter sequence app.invoice_no increment by 10',
      'sequence app.invoice_no has increment 10 in production but increment 5 in the migrations',
    ],
    [
      'a dropped rule',
      'drop rule labels_keep on app.labels',
      'rule labels_keep on app.labels is missing from production',
    ],
    [
      'a rule disabled',
      'alter table app.labels disable rule labels_keep',
      'rule labels_keep on app.labels is disabled in production but enabled (origin) in the migrations',
    ],
    [
      'a dropped statistics object',
      'drop statistics app.labels_stats',
      'statistics object app.labels_stats is missing from production',
    ],
    [
      'a statistics object’s target',
      'alter statistics app.labels_stats set statistics -1',
      'statistics object app.labels_stats has the default statistics target in production but statistics target 250 in the migrations',
    ],
    [
      'a changed storage',
      'alter table app.labels alter column body set storage main',
      'column app.labels.body has storage main in production but storage external in the migrations',
    ],
    [
      'a storage set back to the type’s default',
      'alter table app.labels alter column body set storage extended',
      "column app.labels.body has its type's default storage in production but storage external in the migrations",
    ],
    [
      'a column statistics target',
      'alter table app.labels alter column code set statistics 100',
      'column app.labels.code has statistics target 100 in production but the default statistics target in the migrations',
    ],
    [
      'a column option',
      'alter table app.labels alter column code reset (n_distinct)',
      'column app.labels.code has options (none) in production but options (n_distinct=-0.5) in the migrations',
    ],
    [
      'a column compression',
      'alter table app.labels alter column body set compression pglz',
      'column app.labels.body has compression pglz in production but the default compression in the migrations',
    ],
    [
      'a collation',
      "create collation app.bytes (locale = 'POSIX')",
      'collation app.bytes exists in production but in no migration',
    ],
    [
      'a view column comment',
      "comment on column app.active_users.email is 'the address'",
      'view app.active_users has column comments (email "the address") in production but column comments (email "their login") in the migrations',
    ],
  ];

  it.skipIf(skip).each(changes)('reports %s with one plain sentence', async (_name, change, sentence) => {
    const actual = await snapshotWith(two.db, change);
    const items = diffSnapshots(expected, actual);
    expect(items.map((item) => item.sentence)).toEqual([
      typeof sentence === 'string' ? sentence : expect.stringMatching(sentence),
    ]);
  });

  it.skipIf(skip)('reports a whole table once, not each of its columns, constraints and grants', async () => {
    const actual = await snapshotWith(
      two.db,
      'create table extra (id int primary key, note text); create index on extra (note); grant select on extra to ldbt_snap_analyst',
    );
    expect(diffSnapshots(expected, actual, { actual: 'the restore', expected: 'the backup' })).toEqual([
      expect.objectContaining({
        kind: 'table',
        object: 'extra',
        change: 'extra',
        sentence: 'table extra exists in the restore but not in the backup',
      }),
    ]);
    expect(diffSnapshots(actual, expected, { actual: 'the restore', expected: 'the backup' })).toEqual([
      expect.objectContaining({ change: 'missing', sentence: 'table extra is missing from the restore' }),
    ]);
  });
});

describe.skipIf(!serverAvailable)('catalog snapshots across major versions', () => {
  it('differ between Postgres 15 and PGlite (18) only in how view queries print', async () => {
    const [embedded, server] = await Promise.all([build('embedded'), freshDatabase('server')]);
    try {
      await server.db.query(KITCHEN_SINK);
      const [a, b] = await Promise.all([takeSnapshot(embedded.db), takeSnapshot(server.db)]);
      expect(diffSnapshots(a, b, { ignore: ['views.definition', 'extensions.version'] })).toEqual([]);
    } finally {
      await embedded.drop();
      await server.drop();
    }
  });
});
