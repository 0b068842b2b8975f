// Drift's cached expected schema: a second run replays nothing and says so, a manual change is still
// found, an edited migration misses the cache, and a damaged entry (local or in the database) is
// ignored and rebuilt.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DriftResult, detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { decodeEntry } from '../../src/stores/postgres/schema/expected-schema-entry.js';
import {
  expectedSchemaDir,
  expectedSchemaFile,
} from '../../src/stores/postgres/schema/expected-schema-files.js';
import { runCli } from '../helpers/cli.js';
import { BACKINGS, serverAvailable } from '../helpers/databases.js';
import { type Live, liveProject } from './live-project.js';

const MIGRATIONS: Record<string, string> = {
  '20260101000000_users.sql':
    'create table users (id bigint generated always as identity primary key, email text not null unique);\n',
  '20260102000000_orders.sql':
    'create table orders (id bigint primary key, user_id bigint references users (id));\ncreate index orders_user_idx on orders (user_id);\n',
};

describe.each(BACKINGS)("drift's cached expected schema, %s", (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let live: Live;
  beforeAll(async () => {
    if (!skip) live = await liveProject(backing, MIGRATIONS);
  });
  afterAll(() => live?.drop());

  const drift = (): Promise<DriftResult> =>
    live.use((db) => detectDrift(live.env, live.target, { live: db }));
  const localDir = () => expectedSchemaDir(live.env.stateDir);
  const localFile = (key: string) => expectedSchemaFile(localDir(), key);
  const cli = (args: string[]) => runCli([...args, '--env', 'staging'], { cwd: live.project.dir });
  /** The check run by the CLI, as `check --json` reports it. */
  const checkResult = async (id: string) => {
    const run = await cli(['check', '--json', '--only', 'schema']);
    const report = JSON.parse(run.stdout) as {
      checks: { id: string; status: string; summary: string; details: { expectedSchema?: unknown } }[];
    };
    return report.checks.find((check) => check.id === id)!;
  };
  /** The entry for `key` with the orders table taken out, its checksum left as it was: a tampered copy. */
  const tampered = (key: string) => {
    const [header, body] = readFileSync(localFile(key), 'utf8').split('\n');
    const snapshot = JSON.parse(body!);
    delete snapshot.tables['public.orders'];
    return `${header}\n${JSON.stringify(snapshot)}`;
  };
  let key: string;

  it.skipIf(skip)('is made by the first run and used by the second, which says so', async () => {
    const first = await drift();
    expect(first.items).toEqual([]);
    expect(first.expectedSchema).toMatchObject({
      cached: false,
      source: 'new shadow',
      replayed: 2,
      saved: ['local', 'database'],
    });
    key = first.expectedSchema.key;
    expect(existsSync(localFile(key))).toBe(true);

    const second = await drift();
    expect(second.items).toEqual([]);
    expect(second.expectedSchema).toEqual({
      key,
      cached: true,
      source: 'local cache',
      replayed: 0,
      saved: ['local', 'database'],
    });

    const check = await checkResult('schema.drift');
    expect(check.status).toBe('pass');
    expect(check.summary).toBe(
      'no drift: the schema is what the 2 applied migrations in db/migrations make (expected schema from cache)',
    );
    expect(check.details.expectedSchema).toMatchObject({ key, cached: true, source: 'local cache' });
    const json = await cli(['migrate', 'drift', '--json']);
    expect(JSON.parse(json.stdout).expectedSchema).toMatchObject({ key, cached: true });
    const human = await cli(['migrate', 'drift']);
    expect(human.stdout).toContain('expected schema from local cache');
  });

  it.skipIf(skip)('is read from the database by a machine without the local copy', async () => {
    rmSync(localDir(), { recursive: true, force: true });
    const result = await drift();
    expect(result.items).toEqual([]);
    expect(result.expectedSchema).toMatchObject({ key, cached: true, source: 'database cache' });
    expect(existsSync(localFile(key))).toBe(true);
  });

  it.skipIf(skip)('hides no manual change: the live schema is read afresh', async () => {
    await live.use((db) => db.query('alter table users add column nickname text'));
    try {
      const result = await drift();
      expect(result.expectedSchema).toMatchObject({ key, cached: true });
      expect(result.items.map((item) => item.sentence)).toEqual([
        'column users.nickname exists in staging but in no migration',
      ]);
    } finally {
      await live.use((db) => db.query('alter table users drop column nickname'));
    }
  });

  it.skipIf(skip)('ignores a damaged or tampered local copy and writes it again', async () => {
    for (const damaged of [tampered(key), '{"key":', '']) {
      writeFileSync(localFile(key), damaged);
      const result = await drift();
      // Trusted, the tampered copy would report table orders as made by hand.
      expect(result.items).toEqual([]);
      expect(result.expectedSchema).toMatchObject({ key, cached: true, source: 'database cache' });
      expect(decodeEntry(readFileSync(localFile(key), 'utf8'), key)).toBeDefined();
    }
  });

  it.skipIf(skip)('ignores a damaged or tampered database entry and stores it again', async () => {
    for (const damaged of [gzipSync(tampered(key)), Buffer.from('not gzip')]) {
      await live.use((db) =>
        db.query('update launchdb.expected_schema set snapshot = $1 where key = $2', [damaged, key]),
      );
      rmSync(localDir(), { recursive: true, force: true });
      const rebuilt = await drift();
      expect(rebuilt.items).toEqual([]);
      expect(rebuilt.expectedSchema).toMatchObject({ key, cached: false, saved: ['local', 'database'] });
      rmSync(localDir(), { recursive: true, force: true });
      const again = await drift();
      expect(again.expectedSchema).toMatchObject({ key, cached: true, source: 'database cache' });
    }
  });

  it.skipIf(skip)(
    "misses after an applied migration's file is edited, which schema.migrations-checksum reports",
    async () => {
      const file = join(live.project.dir, 'db/migrations/20260102000000_orders.sql');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, `${original}-- indexes are named after their table\n`);
      try {
        const result = await drift();
        expect(result.expectedSchema.cached).toBe(false);
        expect(result.expectedSchema.key).not.toBe(key);
        expect(result.notes.join('\n')).toContain('changed since applied');
        expect((await checkResult('schema.migrations-checksum')).status).toBe('fail');
      } finally {
        writeFileSync(file, original);
      }
      expect((await drift()).expectedSchema).toMatchObject({ key, cached: true });
    },
  );
});
