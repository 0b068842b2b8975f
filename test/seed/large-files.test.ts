// Large seeds are read and applied a part at a time: SQL in chunks of statements, CSV and JSON a
// batch of rows at a time, so the CLI runs them in a heap far smaller than the file.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { BACKINGS } from '../helpers/databases.js';
import { SMALL_HEAP, SMALL_HEAP_MB, writeLines } from '../helpers/large-file.js';
import { type SeedProject, withSeedProject } from './helpers.js';

/** In each JSON row: small objects, which take more memory parsed, per byte of JSON, than flat rows. */
const MARKS = Array.from({ length: 16 }, (_, m) => ({ m }));

/**
 * Values that cross what a reader in pieces must carry over: quotes, separators and line ends inside
 * fields. Each file is too large to read whole in SMALL_HEAP (see there).
 */
const FILES = {
  'items.csv': {
    mb: 8,
    head: 'id,name,meta\n',
    line: (i: number) =>
      `${i},"item ${i}, with ""quotes""\nand a line end","{""n"": ${i}, ""s"": ""[x]""}"\n`,
  },
  'items.json': {
    // Parsed whole, JSON costs less per byte than CSV rows: it takes more to overflow the heap. Many
    // small objects in each row cost the most per byte, so fewer rows do it (72,000, not 372,000 flat).
    mb: 16,
    head: '[\n',
    line: (i: number) =>
      `${i ? ',\n' : ''}${JSON.stringify({ id: i, name: `item ${i}, with "quotes" ] } [ {`, meta: { n: i, s: '[x]', marks: MARKS } })}`,
    tail: '\n]\n',
  },
  '090_items.sql': {
    mb: 8,
    head: '',
    line: (i: number) =>
      `insert into items values (${i}, 'item ${i}; with ''quotes''', '{"n": ${i}}') on conflict (id) do nothing;\n`,
  },
};

for (const backing of BACKINGS) {
  describe(`large seeds on ${backing} Postgres`, () => {
    let p: SeedProject;
    const it = withSeedProject(backing, (made) => {
      p = made;
    });

    for (const [name, { mb, head, line, tail }] of Object.entries(FILES) as [
      string,
      { mb: number; head: string; line: (i: number) => string; tail?: string },
    ][]) {
      it(`applies a ${mb} MB ${name.split('.').pop()} seed with a ${SMALL_HEAP_MB} MB heap`, async () => {
        p.clearSeeds();
        p.project.write(
          'db/migrations/20260101000000_items.sql',
          'create table items (id bigint primary key, name text not null, meta jsonb);\n',
        );
        expect((await p.cli(['migrate', 'up', '--env', 'development'])).code).toBe(0);
        await p.query('development', 'truncate items');
        const rows = writeLines(join(p.project.dir, 'db/seeds/reference', name), mb, line, head, tail);
        const result = await runBin(['seed', '--env', 'development', '--json'], {
          cwd: p.project.dir,
          env: SMALL_HEAP,
          timeoutMs: 240_000,
        });
        expect(result.stderr).not.toContain('heap');
        expect(result.code).toBe(0);
        const [counted] = await p.query<{ n: string; meta: number }>(
          'development',
          `select count(*) as n, sum((meta->>'n')::int) as meta from items`,
        );
        expect(Number(counted!.n)).toBe(rows);
        expect(Number(counted!.meta)).toBe((rows * (rows - 1)) / 2);
      }, 300_000);
    }

    // Server only: the same code, and a million upserts take a minute embedded.
    it.skipIf(backing === 'embedded')(
      'checks the keys of a file of very many short rows without holding them: a repeated one is still named',
      async () => {
        p.clearSeeds();
        p.project.write(
          'db/migrations/20260101000001_codes.sql',
          'create table codes (code bigint primary key);\n',
        );
        expect((await p.cli(['migrate', 'up', '--env', 'development'])).code).toBe(0);
        const file = join(p.project.dir, 'db/seeds/reference/codes.csv');
        const rows = writeLines(file, 8, (i) => `${i}\n`, 'code\n');
        const run = (args: string[]) =>
          runBin(['seed', '--env', 'development', ...args], {
            cwd: p.project.dir,
            env: SMALL_HEAP,
            timeoutMs: 240_000,
          });
        const applied = await run(['--json']);
        expect(applied.stderr).not.toContain('heap');
        expect(applied.code).toBe(0);
        expect(
          Number((await p.query<{ n: string }>('development', 'select count(*) as n from codes'))[0]!.n),
        ).toBe(rows);
        writeLines(file, 8, (i) => `${i}\n`, 'code\n', '17\n');
        const repeated = await run([]);
        expect(repeated.stderr).not.toContain('heap');
        expect(repeated.code).toBe(2);
        expect(repeated.stderr).toContain(
          `db/seeds/reference/codes.csv: row ${rows + 2} repeats the key (code) of row 19`,
        );
      },
      300_000,
    );

    it('rolls back a large SQL seed that fails near its end, naming the line', async () => {
      p.clearSeeds();
      await p.query('development', 'truncate items');
      const lines = writeLines(
        join(p.project.dir, 'db/seeds/reference/095_fails.sql'),
        1,
        (i) => `insert into items values (${i}, 'x', null) on conflict (id) do nothing;\n`,
        '',
        'select 1;\n   select * from nowhere;\n',
      );
      const result = await p.cli(['seed', '--env', 'development']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `db/seeds/reference/095_fails.sql:${lines + 2}:18: relation "nowhere" does not exist`,
      );
      expect(await p.query('development', 'select id from items limit 1')).toEqual([]);
    }, 120_000);
  });
}
