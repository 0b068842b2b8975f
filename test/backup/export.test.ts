// backup export on both backings: the files load back into the very same rows, and sha256sum -c agrees.
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { openServer } from '../../src/stores/postgres/server.js';
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

describe.each(BACKINGS)('backup export on %s', (backing: BackingName) => {
  const skip = backing === 'server' && !serverAvailable;
  let project: TempProject;
  let database: string | undefined;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  /** The environment's database, opened between commands. */
  async function withDb<T>(fn: (db: PostgresDatabase) => Promise<T>): Promise<T> {
    const db = database
      ? await openServer(serverUrlFor(database), { max: 1 })
      : await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    if (skip) return;
    if (backing === 'server') {
      database = uniqueName('ldb_export');
      await adminQuery(`create database ${database}`);
    }
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: { ${database ? `url: '${serverUrlFor(database)}'` : ''} } } },
    }`);
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    await withDb((db) => db.query(`${SHOP_APP}\n${shopAppData(120)}`));
  });

  afterAll(async () => {
    project?.remove();
    if (database) await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
  });

  it.skipIf(skip)('writes CSV that loads back into the same rows, and a SHA256SUMS that checks', async () => {
    const result = await cli([
      'backup',
      'export',
      '--env',
      'development',
      '--tables',
      'shop.users,shop.orders',
      '--out',
      'out-csv',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.tables.map((table: { file: string }) => table.file)).toEqual([
      'shop.users.csv',
      'shop.orders.csv',
    ]);
    expect(document.tables[0].rows).toBe(120);
    const dir = join(project.dir, 'out-csv');
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toContain(
      'shop.users.csv: OK',
    );
    const differences = await withDb((db) =>
      db.withConnection(async (connection) => {
        await connection.query('create temp table users_back as select * from shop.users with no data');
        const loaded = await connection.copyIn(
          'COPY users_back FROM STDIN WITH (FORMAT csv, HEADER)',
          createReadStream(join(dir, 'shop.users.csv')) as AsyncIterable<Buffer>,
        );
        // The server's count of the rows COPY loaded (a restore checks it against the manifest).
        expect(loaded).toBe(120);
        const { rows } = await connection.query<{ n: number }>(
          `select (select count(*) from (table users_back except all select * from shop.users) a)::int
                + (select count(*) from (select * from shop.users except all table users_back) b)::int as n`,
        );
        return rows[0]?.n;
      }),
    );
    expect(differences).toBe(0);
  });

  it.skipIf(skip)('writes JSON Lines whose objects rebuild the same rows', async () => {
    const result = await cli([
      'backup',
      'export',
      '--env',
      'development',
      '--tables',
      'shop.users',
      '--format',
      'jsonl',
      '--out',
      'out-json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sha256sum -c SHA256SUMS');
    const lines = readFileSync(join(project.dir, 'out-json', 'shop.users.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(120);
    const objects = lines.map((line) => JSON.parse(line));
    expect(objects.some((row) => String(row.name).includes('\n'))).toBe(true);
    const differences = await withDb(async (db) => {
      const { rows } = await db.query<{ n: number }>(
        `with back as (select * from jsonb_populate_recordset(null::shop.users, $1::jsonb))
         select (select count(*) from (table back except all select * from shop.users) a)::int
              + (select count(*) from (select * from shop.users except all table back) b)::int as n`,
        [JSON.stringify(objects)],
      );
      return rows[0]?.n;
    });
    expect(differences).toBe(0);
  });

  it.skipIf(skip)('names a table that does not exist, with a guess, as bad input', async () => {
    const result = await cli(['backup', 'export', '--env', 'development', '--tables', 'shop.user']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no table "shop.user"');
    expect(result.stderr).toContain('did you mean shop.users?');
    const format = await cli([
      'backup',
      'export',
      '--env',
      'development',
      '--tables',
      'shop.users',
      '--format',
      'xml',
    ]);
    expect(format.code).toBe(2);
  });
});
