// Restore drills from the CLI: a passing drill on an embedded and a server scratch, recorded with its
// RTO and RPO; a corrupted backup's drill fails; nothing to drill is bad input.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  SERVER_URL,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

describe.each(BACKINGS)('backup drill with an environment on %s', (backing: BackingName) => {
  const skip = backing === 'server' && !serverAvailable;
  let project: TempProject;
  let database: string | undefined;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  let query: (sql: string) => Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    if (skip) return;
    if (backing === 'server') {
      database = uniqueName('ldb_drill_src');
      await adminQuery(`create database ${database}`);
    }
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: { ${database ? `url: '${serverUrlFor(database)}'` : ''} } } },
    }`);
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    query = async (sql) => {
      if (database) return (await adminQuery(sql, [], database)).rows;
      const { openEmbedded } = await import('../../src/stores/postgres/embedded.js');
      const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
      try {
        return (await db.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await db.close();
      }
    };
    await query(`${SHOP_APP}\n${shopAppData(150)}`);
  });

  afterAll(async () => {
    project?.remove();
    if (database) await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
  });

  it.skipIf(skip)('says there is nothing to drill before the first backup', async () => {
    const result = await cli(['backup', 'drill', '--env', 'development']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no backups of development');
    expect(result.stderr).toContain('--fresh');
  });

  it.skipIf(skip)('passes a drill of a fresh backup in an embedded scratch, and records it', async () => {
    const result = await cli(['backup', 'drill', '--env', 'development', '--fresh', '--json']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const drill = JSON.parse(result.stdout);
    expect(drill).toMatchObject({ ok: true, scratch: 'embedded', problems: [], recorded: true });
    expect(drill.rows).toBeGreaterThan(500);
    expect(drill.restoreMs).toBeGreaterThan(0);
    expect(drill.dataAgeMs).toBeGreaterThanOrEqual(0);
    expect(drill.checks.map((check: { id: string }) => check.id)).toContain('schema.fk-without-index');
    // The restore into the scratch reports each table as it is in: a JSON line each on stderr.
    const loaded = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(loaded.map((line) => line.done)).toEqual(Array.from({ length: drill.tables }, (_, i) => i + 1));
    expect(loaded.reduce((sum, line) => sum + line.rows, 0)).toBe(drill.rows);
    const rows = await query('select backup_id, ok, scratch, tables from launchdb.drills');
    expect(rows).toEqual([
      { backup_id: drill.backupId, ok: true, scratch: 'embedded', tables: drill.tables },
    ]);
  });

  it.skipIf(skip || !serverAvailable)(
    'passes in a scratch database on the server, and drops it after',
    async () => {
      const result = await cli(['backup', 'drill', '--env', 'development', '--scratch-url', SERVER_URL]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('drill passed');
      expect(result.stderr).toMatch(/ (\d+)\/\1 tables, [\d.]+ [kM]?B loaded, [\d.]+ [kM]?B\/s\n/);
      // A backup of the embedded database (a newer Postgres) is not restored into an older server.
      expect(result.stdout).toMatch(
        backing === 'server'
          ? /a scratch database on the server/
          : /the backup \d+: the scratch database is embedded/,
      );
      expect(result.stdout).toMatch(/\(RTO\); data .* old \(RPO\)/);
      const { rows } = await adminQuery(`select datname from pg_database where datname like '%\\_drill\\_%'`);
      expect(rows.filter((row) => String(row.datname).startsWith(project.name))).toEqual([]);
    },
  );

  it.skipIf(skip)('fails the drill of a corrupted backup, exit 1, and records the failure', async () => {
    const listed = JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout);
    const id = listed.backups[0].id;
    const dir = join(project.dir, '.launchdb', 'backups', 'development', id);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const orders = manifest.tables.find((table: { name: string }) => table.name === 'shop.orders');
    const file = join(dir, orders.parts[0].file.path);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x20;
    writeFileSync(file, bytes);
    const result = await cli(['backup', 'drill', '--env', 'development', '--backup', id]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('drill failed');
    expect(result.stdout).toContain('shop.orders');
    const rows = await query('select ok from launchdb.drills order by id');
    expect(rows.at(-1)).toEqual({ ok: false });
  });
});
