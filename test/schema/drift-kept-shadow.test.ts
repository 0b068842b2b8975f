// The kept shadow: a large schema's shadow stays at the last migration replayed into it, so the next
// miss replays only the new migrations; one changed behind its back is rebuilt; two runs at once
// both succeed and leave nothing but the kept shadow.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { type DriftResult, detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { KEEP_SHADOW_BYTES } from '../../src/stores/postgres/schema/expected-schema.js';
import { expectedSchemaDir } from '../../src/stores/postgres/schema/expected-schema-files.js';
import { keptShadowDir, keptShadowName } from '../../src/stores/postgres/schema/kept-shadow.js';
import { adminQuery, BACKINGS, serverAvailable } from '../helpers/databases.js';
import { largeSchema } from './fixtures.js';
import { applyMigrations, type Live, liveProject, shadowsLeft } from './live-project.js';

/** A first migration whose table records each migration that ran: data, which no snapshot reads. */
const FILES: Record<string, string> = {
  '20260101000000_replays.sql': `create table replays (what text not null);\ninsert into replays values ('m0');\n`,
  ...Object.fromEntries(
    largeSchema(110, 55).map((sql, i) => [`20260102${String(i).padStart(6, '0')}_part.sql`, sql]),
  ),
};

describe.each(BACKINGS)('the kept shadow, %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let live: Live;
  beforeAll(async () => {
    if (!skip) live = await liveProject(backing, FILES);
  }, 300_000);
  afterAll(() => live?.drop());

  const drift = (db?: PostgresDatabase): Promise<DriftResult> =>
    db
      ? detectDrift(live.env, live.target, { live: db })
      : live.use((opened) => detectDrift(live.env, live.target, { live: opened }));
  const database = () => (live.target as { database: string }).database;
  /** Runs SQL in the kept shadow, as its owner. */
  const inKeptShadow = async (sql: string): Promise<Record<string, unknown>[]> => {
    if (backing === 'server') return (await adminQuery(sql, [], keptShadowName(database()))).rows;
    const db = await openEmbedded(join(keptShadowDir(live.env.stateDir, 'staging'), 'postgres'));
    try {
      return (await db.query(sql)).rows;
    } finally {
      await db.close();
    }
  };
  const replays = async () =>
    (await inKeptShadow('select what from replays')).map((row) => row.what as string).sort();
  /** A new migration, applied to the live database as `migrate up` would. */
  const addMigration = async (version: string, sql: string) => {
    live.project.write(`db/migrations/${version}_more.sql`, sql);
    await live.use((db) => applyMigrations(db, live.project.dir));
  };
  /** No cached expected schema anywhere: the next run replays. */
  const forgetCache = async () => {
    rmSync(expectedSchemaDir(live.env.stateDir), { recursive: true, force: true });
    await live.use((db) => db.query('delete from launchdb.expected_schema'));
  };

  it.skipIf(skip)('keeps a large schema’s shadow, and replays only a new migration into it', async () => {
    const size = Object.values(FILES).reduce((bytes, sql) => bytes + Buffer.byteLength(sql), 0);
    expect(size).toBeGreaterThanOrEqual(KEEP_SHADOW_BYTES);
    const first = await drift();
    expect(first.items).toEqual([]);
    expect(first.expectedSchema).toMatchObject({ cached: false, source: 'kept shadow', replayed: 3 });
    // A row the replay never wrote: still there after the next run only if the shadow was not rebuilt.
    await inKeptShadow(`insert into replays values ('between runs')`);

    await addMigration(
      '20260301000000',
      `insert into replays values ('m3');\ncreate table more (id int primary key);\n`,
    );
    const second = await drift();
    expect(second.items).toEqual([]);
    expect(second.migrations).toBe(4);
    expect(second.expectedSchema).toMatchObject({ cached: false, source: 'kept shadow', replayed: 1 });
    expect(await replays()).toEqual(['between runs', 'm0', 'm3']);
  });

  it.skipIf(skip)('rebuilds a kept shadow whose schema changed behind its back', async () => {
    await inKeptShadow('create table intruder (id int)');
    await addMigration('20260302000000', 'create table more2 (id int primary key);\n');
    const result = await drift();
    // Trusted, the intruder would read as a table the migrations make and staging lacks.
    expect(result.items).toEqual([]);
    expect(result.expectedSchema).toMatchObject({ cached: false, source: 'kept shadow', replayed: 5 });
    expect(await replays()).toEqual(['m0', 'm3']);
    expect(await inKeptShadow(`select to_regclass('public.intruder') as intruder`)).toEqual([
      { intruder: null },
    ]);
  });

  it.skipIf(skip)('lets two runs at once both succeed, leaving no shadow but the kept one', async () => {
    await forgetCache();
    const runs =
      backing === 'server'
        ? await Promise.all([live.use((db) => drift(db)), live.use((db) => drift(db))])
        : // One process holds the embedded database: both runs share its connection.
          await live.use((db) => Promise.all([drift(db), drift(db)]));
    for (const run of runs) {
      expect(run.items).toEqual([]);
      expect(['kept shadow', 'new shadow']).toContain(run.expectedSchema.source);
    }
    if (backing === 'server') {
      expect(await shadowsLeft(live)).toEqual([keptShadowName(database())]);
    } else {
      const folder = join(live.env.stateDir, 'staging');
      expect(readdirSync(folder).filter((name) => name.startsWith('shadow'))).toEqual(['shadow']);
      expect(existsSync(join(folder, 'shadow', 'postgres.lock'))).toBe(false);
    }
  });
});

describe.skipIf(!serverAvailable)('a database that only has the kept shadow’s name', () => {
  let live: Live;
  let name: string;
  beforeAll(async () => {
    live = await liveProject('server', FILES);
    name = keptShadowName((live.target as { database: string }).database);
    await adminQuery(`create database ${name}`);
    await adminQuery('create table precious (id int)', [], name);
  }, 300_000);
  afterAll(() => live?.drop());

  it('is left alone: drift uses a new shadow of its own and says why', async () => {
    const result = await live.use((db) => detectDrift(live.env, live.target, { live: db }));
    expect(result.items).toEqual([]);
    expect(result.expectedSchema.source).toBe('new shadow');
    expect(result.notes.join('\n')).toContain(`the database ${name} at`);
    expect((await adminQuery(`select to_regclass('public.precious') as kept`, [], name)).rows).toEqual([
      { kept: 'precious' },
    ]);
  });
});
