// The backup commands end to end on both backings: create, list, verify, restore, and their refusals.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

const KEY = 'a long backup key for the tests 0123456789';

describe.each(BACKINGS)('backup commands on %s', (backing: BackingName) => {
  const skip = backing === 'server' && !serverAvailable;
  // The app's ten tables and launchdb's own; on the server, attached by a superuser, also the staging
  // table of the DDL capture (launchdb.captured_ddl), which a backup keeps like the trail.
  const tables = backing === 'server' ? 11 : 10;
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  let project: TempProject;
  const databases: string[] = [];
  const cli = (args: string[], answers?: string[]) =>
    runCli(args, { cwd: project.dir, ...(answers ? { answers } : {}) });
  /** SQL on an environment's database, between commands. */
  let query: (env: string, sql: string) => Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    if (skip) return;
    const urls: Record<string, string> = {};
    if (backing === 'server') {
      for (const env of ['development', 'staging', 'production']) {
        const name = uniqueName('ldb_bk');
        await adminQuery(`create database ${name}`);
        databases.push(name);
        urls[env] = serverUrlFor(name);
      }
    }
    const store = (env: string) => (urls[env] ? `{ url: '${urls[env]}' }` : '{}');
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: ${store('development')} },
        staging: { postgres: ${store('staging')} },
        production: { postgres: ${store('production')} },
      },
    }`);
    project.write('.env', `LAUNCHDB_BACKUP_KEY=${KEY}\n`);
    for (const env of ['development', 'staging', 'production']) {
      const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
      expect(attached.code, attached.stderr).toBe(0);
    }
    query = async (env, sql) => {
      if (backing === 'server')
        return (await adminQuery(sql, [], databases[['development', 'staging', 'production'].indexOf(env)]))
          .rows;
      const { openEmbedded } = await import('../../src/stores/postgres/embedded.js');
      const db = await openEmbedded(join(project.dir, '.launchdb', env, 'postgres'));
      try {
        return (await db.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await db.close();
      }
    };
    await query('development', SHOP_APP);
    await query('development', shopAppData(200));
  });

  afterAll(async () => {
    project?.remove();
    for (const name of databases)
      await adminQuery(`drop database if exists ${name} with (force)`).catch(() => {});
  });

  let id: string;

  it.skipIf(skip)('creates an encrypted backup and prints its JSON', async () => {
    const result = await cli(['backup', 'create', '--env', 'development', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document).sort()).toEqual([
      'bytes',
      'durationMs',
      'encrypted',
      'id',
      'path',
      'rows',
      'tables',
    ]);
    // The app's tables and launchdb's own, its audit trail among them.
    expect(document).toMatchObject({ encrypted: true, tables });
    // With --json, a JSON line per finished table on stderr, for programs watching a long backup.
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.done)).toEqual(upTo(tables));
    expect(lines.find((line) => line.table === 'shop.users')).toMatchObject({ rows: 200, total: tables });
    expect(lines.reduce((sum, line) => sum + line.rows, 0)).toBe(document.rows);
    expect(document.id).toMatch(/^development-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(result.stdout + result.stderr).not.toContain(KEY);
    id = document.id;
    // The folder and files are the owner's alone.
    const dir = join(project.dir, '.launchdb', 'backups', 'development');
    expect(readdirSync(dir)).toEqual([id]);
  });

  it.skipIf(skip)('lists it, then shows it verified', async () => {
    const listed = await cli(['backup', 'list', '--env', 'development']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}.*\\d+ rows?|${id}`));
    expect(listed.stdout).toContain('never');
    const verified = await cli(['backup', 'verify', id]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('every checksum matches');
    const json = JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout);
    expect(json.backups[0]).toMatchObject({ id, encrypted: true, verified: { ok: true } });
    const verdicts = JSON.parse((await cli(['backup', 'verify', id, '--json'])).stdout);
    expect(verdicts).toMatchObject({ ok: true, problem: null });
    expect(verdicts.tables).toHaveLength(tables);
    expect(verdicts.tables.find((v: { table: string }) => v.table === 'shop.users')).toEqual({
      table: 'shop.users',
      rows: 200,
      ok: true,
    });
  });

  it.skipIf(skip)('restores into staging and marks it as staging', async () => {
    const restored = await cli(['backup', 'restore', id, '--to', 'staging']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('restored');
    const rows = await query(
      'staging',
      'select (select count(*) from shop.users)::int as users, environment from launchdb.environment',
    );
    expect(rows).toEqual([{ users: 200, environment: 'staging' }]);
    // staging now holds data: a second restore is refused without --clean, and changes nothing.
    const again = await cli(['backup', 'restore', id, '--to', 'staging']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not empty .*--clean/s);
    const clean = await cli(['backup', 'restore', id, '--to', 'staging', '--clean', '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ id, tables, to: 'staging' });
    const loaded = clean.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(loaded.map((line) => line.done)).toEqual(upTo(tables));
    expect(loaded.find((line) => line.table === 'shop.users')).toMatchObject({ rows: 200 });
  });

  it.skipIf(skip)(
    'refuses to restore over production without its name, and restores with --confirm',
    async () => {
      const refused = await cli(['backup', 'restore', id, '--to', 'production']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--confirm production');
      const typedWrong = await cli(['backup', 'restore', id, '--to', 'production'], ['prod']);
      expect(typedWrong.code).toBe(2);
      expect(await query('production', `select to_regclass('shop.users') as t`)).toEqual([{ t: null }]);
      const confirmed = await cli(['backup', 'restore', id, '--to', 'production', '--confirm', 'production']);
      expect(confirmed.code, confirmed.stderr).toBe(0);
    },
  );

  it.skipIf(skip)(
    'says a wrong key is bad input without echoing it, and damage is exit 1 naming the table',
    async () => {
      const wrong = 'this is not the key it was taken with';
      project.write('.env', `LAUNCHDB_BACKUP_KEY=${wrong}\n`);
      const refused = await cli(['backup', 'verify', id]);
      project.write('.env', `LAUNCHDB_BACKUP_KEY=${KEY}\n`);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('does not open');
      expect(refused.stdout + refused.stderr).not.toContain(wrong);

      const dir = join(project.dir, '.launchdb', 'backups', 'development', id);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const users = manifest.tables.find((table: { name: string }) => table.name === 'shop.users');
      const file = join(dir, users.parts[0].file.path);
      const bytes = readFileSync(file);
      bytes[bytes.length - 40]! ^= 0x01;
      writeFileSync(file, bytes);
      const damaged = await cli(['backup', 'verify', id]);
      expect(damaged.code).toBe(1);
      expect(damaged.stdout).toContain('table shop.users');
      expect((await cli(['backup', 'list', '--env', 'development'])).stdout).toContain('DAMAGED');
    },
  );

  it.skipIf(skip)('shows progress on stderr: tables done, bytes, rate', async () => {
    const result = await cli(['backup', 'create', '--env', 'development']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(` ${tables}/${tables} tables, [\\d.]+ [kM]?B read, [\\d.]+ [kM]?B/s\n`),
    );
    expect(result.stdout).toMatch(
      new RegExp(`^backup development-\\S+: ${tables} tables, \\d+ rows, .*encrypted\n`),
    );
    const id = result.stdout.split(' ')[1]!.replace(/:$/, '');
    const restored = await cli(['backup', 'restore', id, '--to', 'staging', '--clean']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(
      new RegExp(` ${tables}/${tables} tables, [\\d.]+ [kM]?B loaded, [\\d.]+ [kM]?B/s\n`),
    );
  });

  it.skipIf(skip)('says an id that is not one is bad input', async () => {
    const result = await cli(['backup', 'verify', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a backup id');
  });
});
