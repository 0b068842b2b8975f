// Backup → verify → restore on both backings: zero catalog differences, equal content checksums,
// encryption, damage found by verify, refusals, and a restore that fails leaving the target as it was.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTarget } from '../../src/backup/local-target.js';
import type { TableProgress } from '../../src/backup/table-progress.js';
import { Project } from '../../src/core/project.js';
import { createBackup } from '../../src/stores/postgres/backup/create-backup.js';
import { drillBackup } from '../../src/stores/postgres/backup/drill.js';
import type { TableData } from '../../src/stores/postgres/backup/manifest.js';
import { openBackup } from '../../src/stores/postgres/backup/open-backup.js';
import { restoreBackup } from '../../src/stores/postgres/backup/restore-backup.js';
import { verifyBackup } from '../../src/stores/postgres/backup/verify-backup.js';
import { diffSnapshots } from '../../src/stores/postgres/schema/diff.js';
import { takeSnapshot } from '../../src/stores/postgres/schema/snapshot.js';
import {
  BACKINGS,
  type BackingName,
  type FreshDatabase,
  freshDatabase,
  SERVER_URL,
  serverAvailable,
} from '../helpers/databases.js';
import { tempProject } from '../helpers/project.js';
import { contentChecksums, SHOP, shopData } from './fixtures.js';

const SECRET = 'correct horse battery staple 42';

describe.each(BACKINGS)('backup round trip on %s', (backing: BackingName) => {
  const skip = backing === 'server' && !serverAvailable;
  let source: FreshDatabase;
  let dir: string;
  let target: LocalTarget;
  const opened: FreshDatabase[] = [];

  async function fresh(): Promise<FreshDatabase> {
    const db = await freshDatabase(backing);
    opened.push(db);
    return db;
  }

  beforeAll(async () => {
    if (skip) return;
    source = await fresh();
    await source.db.query(SHOP);
    await source.db.query(shopData(300));
    dir = mkdtempSync(join(tmpdir(), 'launchdb-backups-'));
    target = new LocalTarget(join(dir, 'development'), 'backups/development');
  });

  afterAll(async () => {
    for (const db of opened) await db.drop().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)(
    'restores an encrypted backup with zero catalog differences and equal checksums',
    async () => {
      const result = await createBackup(source.db, {
        project: 'shop',
        environment: 'development',
        target,
        secrets: { passphrase: SECRET },
      });
      expect(result).toMatchObject({ tables: 8, encrypted: true });
      expect(result.rows).toBeGreaterThan(1000);
      expect(await target.list()).toEqual([result.id]);
      const backup = await openBackup(target, result.id, { passphrase: SECRET });
      expect(await verifyBackup(backup)).toMatchObject({ ok: true, rows: result.rows });
      // Nothing of the data or the key is readable in the files.
      for (const file of readdirSync(join(target.dir, result.id, 'data'))) {
        const bytes = readFileSync(join(target.dir, result.id, 'data', file));
        expect(bytes.includes('example.com')).toBe(false);
      }
      expect(readFileSync(join(target.dir, result.id, 'manifest.json'), 'utf8')).not.toContain(SECRET);

      const restored = await fresh();
      const outcome = await restoreBackup(backup, restored.db);
      expect(outcome).toMatchObject({ tables: 8, rows: result.rows });
      const before = await takeSnapshot(source.db, { excludeSchemas: [] });
      const after = await takeSnapshot(restored.db, { excludeSchemas: [] });
      // The one difference is launchdb's own log of this restore, written in its transaction.
      expect(diffSnapshots(before, after).map((item) => item.sentence)).toEqual([
        expect.stringMatching(/launchdb\.restores/),
      ]);
      expect(await contentChecksums(restored.db)).toEqual(await contentChecksums(source.db));
      for (const table of backup.manifest.tables) {
        expect((await contentChecksums(restored.db))[table.qualified]).toBe(table.sha256);
      }
      // Sequences go on where they stood; the populated materialized view has its rows.
      const { rows } = await restored.db.query<{ next: string; totals: string }>(
        `select nextval('shop.orders_id_seq')::text as next, (select count(*) from shop.totals)::text as totals`,
      );
      const { rows: original } = await source.db.query<{ next: string }>(
        `select (last_value + 1)::text as next from shop.orders_id_seq`,
      );
      expect(rows[0]?.next).toBe(original[0]?.next);
      expect(Number(rows[0]?.totals)).toBeGreaterThan(0);
    },
  );

  it.skipIf(skip)('finds a flipped byte in the data and in the manifest', async () => {
    const result = await createBackup(source.db, { project: 'shop', environment: 'development', target });
    const backup = await openBackup(target, result.id, undefined);
    const [first, second] = backup.manifest.tables.filter((table) => table.rows > 0) as [
      TableData,
      TableData,
    ];
    for (const table of [first, second]) {
      const file = join(target.dir, result.id, table.parts[0]!.file.path);
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(file, bytes);
    }
    const reported: string[] = [];
    const verified = await verifyBackup(backup, { onTable: (verdict) => reported.push(verdict.table) });
    expect(verified.ok).toBe(false);
    expect(verified.problem).toContain(first.name);
    // Every table has its verdict, past the first damaged one.
    expect(reported).toEqual(backup.manifest.tables.map((table) => table.name));
    expect(verified.tables.filter((verdict) => !verdict.ok).map((verdict) => verdict.table)).toEqual([
      first.name,
      second.name,
    ]);
    expect(verified.tables.find((verdict) => verdict.table === second.name)?.problem).toMatch(
      new RegExp(`^table ${second.name.replace('.', '\\.')} \\(data/`),
    );

    const manifestFile = join(target.dir, result.id, 'manifest.json');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8').replace(/"rows": (\d+)/, (_, n) => `"rows": ${Number(n) + 1}`),
    );
    await expect(openBackup(target, result.id, undefined)).rejects.toThrow(/does not match its seal/);
  });

  it.skipIf(skip)('refuses a wrong key with exit 2, never echoing it', async () => {
    const result = await createBackup(source.db, {
      project: 'shop',
      environment: 'development',
      target,
      secrets: { passphrase: SECRET },
    });
    const wrong = 'not the right key at all!';
    const error = (await openBackup(target, result.id, { passphrase: wrong }).catch(
      (e: unknown) => e,
    )) as Error & {
      exitCode: number;
    };
    expect(error).toMatchObject({ exitCode: 2 });
    expect(error.message).toContain('does not open');
    expect(error.message).not.toContain(wrong);
    await expect(openBackup(target, result.id, undefined)).rejects.toThrow(/encrypted and no backup key/);
  });

  it.skipIf(skip)('refuses a target that is not empty, and --clean replaces it', async () => {
    const result = await createBackup(source.db, { project: 'shop', environment: 'development', target });
    const backup = await openBackup(target, result.id, undefined);
    const busy = await fresh();
    await busy.db.query('create table public.keep_me (id int); insert into public.keep_me values (1)');
    await expect(restoreBackup(backup, busy.db)).rejects.toThrow(/is not empty .*public\.keep_me/);
    expect((await busy.db.query('select count(*)::int as n from public.keep_me')).rows).toEqual([{ n: 1 }]);
    await restoreBackup(backup, busy.db, { clean: true });
    expect((await busy.db.query(`select to_regclass('public.keep_me') as t`)).rows).toEqual([{ t: null }]);
    expect(await contentChecksums(busy.db)).toEqual(await contentChecksums(source.db));
  });

  it.skipIf(skip)('leaves the target as it was when a table does not match its checksum', async () => {
    const result = await createBackup(source.db, { project: 'shop', environment: 'development', target });
    const backup = await openBackup(target, result.id, undefined);
    // The manifest's seal is intact; the data under it was replaced with other valid data.
    const victim = backup.manifest.tables.find((table) => table.rows > 0)!;
    const other = backup.manifest.tables.find((table) => table.rows > 0 && table !== victim)!;
    const copyFile = (from: string, to: string) =>
      writeFileSync(join(target.dir, result.id, to), readFileSync(join(target.dir, result.id, from)));
    copyFile(other.parts[0]!.file.path, victim.parts[0]!.file.path);
    const busy = await fresh();
    await busy.db.query('create table public.keep_me (id int); insert into public.keep_me values (7)');
    await expect(restoreBackup(backup, busy.db, { clean: true })).rejects.toThrow();
    expect((await busy.db.query('select id from public.keep_me')).rows).toEqual([{ id: 7 }]);
    expect((await busy.db.query(`select to_regclass('shop.users') as t`)).rows).toEqual([{ t: null }]);
  });
});

describe.skipIf(!serverAvailable)('a large table copied in ranges, on the server', () => {
  let source: FreshDatabase;
  let dir: string;
  let target: LocalTarget;
  const opened: FreshDatabase[] = [];

  beforeAll(async () => {
    source = await freshDatabase('server');
    opened.push(source);
    await source.db.query(SHOP);
    await source.db.query(shopData(2000));
    await source.db.query('analyze');
    dir = mkdtempSync(join(tmpdir(), 'launchdb-backups-'));
    target = new LocalTarget(join(dir, 'development'), 'backups/development');
  });

  afterAll(async () => {
    for (const db of opened) await db.drop().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cuts tables into page ranges, verifies them, and restores the same rows in order or in parallel', async () => {
    // Ranges of 4 pages: the users and orders tables are cut into several parts.
    const result = await createBackup(source.db, {
      project: 'shop',
      environment: 'development',
      target,
      rangePages: 4,
    });
    const backup = await openBackup(target, result.id, undefined);
    const orders = backup.manifest.tables.find((table) => table.name === 'shop.orders')!;
    expect(orders.parts.length).toBeGreaterThan(1);
    expect(orders.parts.reduce((sum, part) => sum + part.rows, 0)).toBe(orders.rows);
    expect(await verifyBackup(backup)).toMatchObject({ ok: true });

    // A drill compares the restored table part by part.
    const project = tempProject();
    try {
      const loaded = await Project.load(project.dir);
      const drill = await drillBackup(backup, {
        project: loaded,
        env: loaded.environment('development'),
        scratchUrl: SERVER_URL,
      });
      expect(drill).toMatchObject({ ok: true, scratch: 'server', problems: [] });
    } finally {
      project.remove();
    }

    // In one transaction, parts in order: the very bytes the checksums cover.
    const ordered = await freshDatabase('server');
    opened.push(ordered);
    await restoreBackup(backup, ordered.db);
    expect(await contentChecksums(ordered.db)).toEqual(await contentChecksums(source.db));

    // Parts on two connections at once, keys built as each table's rows are in: the same rows (in
    // another order) and the same catalog.
    const parallel = await freshDatabase('server');
    opened.push(parallel);
    const progress: TableProgress[] = [];
    await restoreBackup(backup, parallel.db, {
      parallel: 2,
      splitTables: true,
      marker: 'as-backed-up',
      onTable: (report) => progress.push(report),
    });
    const fingerprint =
      "select count(*)::int as n, md5(string_agg(o::text, ',' order by o.id)) as sum from shop.orders o";
    expect((await parallel.db.query(fingerprint)).rows).toEqual((await source.db.query(fingerprint)).rows);
    const before = await takeSnapshot(source.db, { excludeSchemas: [] });
    expect(diffSnapshots(before, await takeSnapshot(parallel.db, { excludeSchemas: [] }))).toEqual([]);
    // A report per part; each table complete once, with all its rows; the share of the work reaches 1.
    const complete = progress.filter((report) => report.complete);
    expect(complete.map((report) => report.table).sort()).toEqual(
      backup.manifest.tables.map((table) => table.name).sort(),
    );
    expect(complete.find((report) => report.table === 'shop.orders')).toMatchObject({ rows: orders.rows });
    expect(progress.length).toBe(backup.manifest.tables.reduce((sum, table) => sum + table.parts.length, 0));
    expect(progress.at(-1)).toMatchObject({ done: backup.manifest.tables.length });
    expect(progress.at(-1)?.share).toBeCloseTo(1, 6);
    expect(progress.at(-1)?.rawBytes).toBe(backup.manifest.totals.rawBytes);

    // A flipped byte in one part is found, naming that part.
    const second = orders.parts[1]!.file.path;
    const file = join(target.dir, result.id, second);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    writeFileSync(file, bytes);
    const damaged = await verifyBackup(backup);
    expect(damaged.problem).toContain(`table shop.orders (${second})`);
  });
});
